package dev.postern.cli.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {
    @TempDir
    Path tmp;

    @Test
    void savesPrivatelyAndReadsBack() throws Exception {
        Path home = tmp.resolve("nested/.postern");
        ConfigFile file = new ConfigFile(home);
        assertThat(file.load()).isEmpty();

        ClientConfig config = new ClientConfig("http://127.0.0.1:7070/", "a@example.com", "pst_secret");
        file.save(config);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.path()))).isEqualTo("rw-------");
        assertThat(file.load()).contains(new ClientConfig("http://127.0.0.1:7070", "a@example.com", "pst_secret"));
        try (var files = Files.list(home)) {
            assertThat(files).containsExactly(file.path()); // no temporary files left behind
        }

        file.save(new ClientConfig("https://p.example.com", "b@example.com", "pst_other"));
        assertThat(file.load().orElseThrow().email()).isEqualTo("b@example.com");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.path()))).isEqualTo("rw-------");

        assertThat(file.delete()).isTrue();
        assertThat(file.load()).isEmpty();
    }

    @Test
    void tokenNeverInToString() {
        assertThat(new ClientConfig("http://h:1", "a@example.com", "pst_secret").toString()).doesNotContain("pst_secret");
    }

    @Test
    void serverUrlIsChecked() {
        assertThat(ClientConfig.normalizeServer(" https://p.example.com:8443// ")).isEqualTo("https://p.example.com:8443");
        assertThatThrownBy(() -> ClientConfig.normalizeServer("127.0.0.1:7070")).hasMessageContaining("'127.0.0.1:7070'");
        assertThatThrownBy(() -> ClientConfig.normalizeServer("")).hasMessageContaining("--server is required");
    }

    @Test
    void corruptFileSaysHowToRecover() throws Exception {
        ConfigFile file = new ConfigFile(tmp);
        Files.writeString(file.path(), "{not json");
        Files.setPosixFilePermissions(file.path(), PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(file::load).hasMessageContaining(file.path().toString()).hasMessageContaining("auth login")
                .hasMessageContaining("cannot read");
    }

    /**
     * Whoever can write config.json chooses the server the next command sends the person's token to, and one that
     * others can read gives the token away: such a file is refused, as ssh refuses a config or key under
     * StrictModes, and left as it is.
     */
    @Test
    void aFileOthersCouldWriteOrReadIsRefusedAndLeftAlone() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        ConfigFile file = new ConfigFile(home);
        file.save(new ClientConfig("http://127.0.0.1:7070", "a@example.com", "pst_secret"));
        String saved = Files.readString(file.path());

        for (String mode : new String[] {"rw-rw----", "rw----rw-", "rw-r--r--", "rw-r-----"}) {
            Files.setPosixFilePermissions(file.path(), PosixFilePermissions.fromString(mode));
            assertThatThrownBy(file::load).as(mode).isInstanceOf(dev.postern.cli.CliException.class)
                    .hasMessageContaining("refusing to read " + file.path()).hasMessageContaining("chmod 600 " + file.path())
                    .hasMessageNotContaining("pst_secret");
            assertThatThrownBy(() -> file.save(new ClientConfig("http://evil:1", "e@example.com", "pst_e"))).as(mode)
                    .hasMessageContaining("refusing to read");
            assertThat(Files.readString(file.path())).isEqualTo(saved);
        }
        Files.setPosixFilePermissions(file.path(), PosixFilePermissions.fromString("rw-------"));
        assertThat(file.load()).isPresent();

        // a directory others may write: they could swap the file between the check and the read
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(file::load).hasMessageContaining("its directory").hasMessageContaining("chmod 700");
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));

        // a link to a file elsewhere (here a private one of this user's: still not the file it claims to be)
        Path elsewhere = Files.writeString(tmp.resolve("elsewhere.json"), saved);
        Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rw-------"));
        Files.delete(file.path());
        Files.createSymbolicLink(file.path(), elsewhere);
        assertThatThrownBy(file::load).hasMessageContaining("not a regular file");
    }

    /**
     * In a directory others may write, another user puts a config.json of theirs (their server) in place and takes it
     * away again, over and over, so that it is missing when the CLI looks and there when it reads: whatever the
     * timing, the CLI either finds no file or refuses one, and never believes theirs.
     */
    @Test
    void aFilePutInPlaceBetweenTheCheckAndTheReadIsNeverBelieved() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("shared"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxrwxrwx"));
        ConfigFile file = new ConfigFile(home);
        String theirs = "{\"current\":\"evil\",\"contexts\":[{\"name\":\"evil\",\"server\":\"http://evil.example:1\","
                + "\"email\":\"e@example.com\",\"token\":\"pst_e\"}]}";
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread swapper = new Thread(() -> {
            for (int i = 0; i < 1_000_000 && !stop.get(); i++) {
                try {
                    Path t = Files.writeString(home.resolve("t" + (i % 2)), theirs);
                    Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rw-rw-rw-"));
                    Files.move(t, file.path(), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                    Files.deleteIfExists(file.path());
                } catch (java.io.IOException e) {
                    // the reader's view only matters
                }
            }
        });
        swapper.start();
        try {
            int found = 0;
            for (int i = 0; i < 20_000; i++) {
                try {
                    assertThat(file.read().contexts()).as("read %d", i).isEmpty();
                } catch (dev.postern.cli.CliException refused) {
                    assertThat(refused.getMessage()).contains("refusing to read").doesNotContain("pst_e");
                    found++;
                }
            }
            assertThat(found).as("the file was there for some reads").isPositive();
        } finally {
            stop.set(true);
            swapper.join(10_000);
        }
    }
}

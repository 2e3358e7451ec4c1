package dev.postern.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeyTest {
    @TempDir
    Path tmp;

    @Test
    void createsKeyFileWithMode0600InPrivateDirectories() throws Exception {
        Path file = tmp.resolve("data/secrets/master.key");

        byte[] key = MasterKey.loadOrCreate(file, null);

        assertThat(key).hasSize(32);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("data"))))
                .isEqualTo("rwx------");
        assertThat(Files.readString(file)).isEqualTo(Base64.getEncoder().encodeToString(key) + "\n");
        try (var files = Files.list(file.getParent())) {
            assertThat(files).as("no temporary file left behind").containsExactly(file);
        }
    }

    @Test
    void keyIsStableAcrossLoads() {
        Path file = tmp.resolve("master.key");
        byte[] first = MasterKey.loadOrCreate(file, null);

        assertThat(MasterKey.loadOrCreate(file, null)).isEqualTo(first);
        assertThat(MasterKey.loadOrCreate(file, null)).isEqualTo(first);
    }

    @Test
    void twoFreshKeysDiffer() {
        assertThat(MasterKey.loadOrCreate(tmp.resolve("a.key"), null))
                .isNotEqualTo(MasterKey.loadOrCreate(tmp.resolve("b.key"), null));
    }

    @Test
    void environmentValueWinsOverFileAndCreatesNothing() {
        byte[] env = new byte[32];
        env[0] = 7;
        Path file = tmp.resolve("master.key");

        byte[] key = MasterKey.loadOrCreate(file, Base64.getEncoder().encodeToString(env) + "\n");

        assertThat(key).isEqualTo(env);
        assertThat(file).doesNotExist();
    }

    @Test
    void badBase64InEnvironmentNamesTheVariableButNotTheValue() {
        assertThatThrownBy(() -> MasterKey.loadOrCreate(tmp.resolve("k"), "not*base64!"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("POSTERN_MASTER_KEY is not valid base64")
                .hasMessageNotContaining("not*base64!");
    }

    @Test
    void wrongLengthInEnvironmentIsRefused() {
        String sixteen = Base64.getEncoder().encodeToString(new byte[16]);
        assertThatThrownBy(() -> MasterKey.loadOrCreate(tmp.resolve("k"), sixteen))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("POSTERN_MASTER_KEY must decode to 32 bytes, got 16 bytes");
    }

    @Test
    void fileWithWrongContentIsRefusedNamingThePath() throws Exception {
        Path file = tmp.resolve("master.key");
        Files.writeString(file, "hello, world\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

        assertThatThrownBy(() -> MasterKey.loadOrCreate(file, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("restore it from backup");
    }

    @Test
    void fileWithWrongLengthIsRefused() throws Exception {
        Path file = tmp.resolve("master.key");
        Files.writeString(file, Base64.getEncoder().encodeToString(new byte[31]) + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

        assertThatThrownBy(() -> MasterKey.loadOrCreate(file, null))
                .hasMessageContaining(file + " holds 31 bytes, expected 32");
    }

    @Test
    void fileReadableByOthersIsRefusedWithTheFix() {
        Path file = tmp.resolve("master.key");
        MasterKey.loadOrCreate(file, null);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }

        assertThatThrownBy(() -> MasterKey.loadOrCreate(file, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("chmod 600 " + file);
    }
}

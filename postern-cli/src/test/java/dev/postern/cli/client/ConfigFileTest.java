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
        assertThatThrownBy(file::load).hasMessageContaining(file.path().toString()).hasMessageContaining("auth login");
    }
}

package dev.postern.cli.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.cli.CliRunner;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attack: an admin pastes a value where a name belongs ({@code secrets unset NAME=VALUE}, or the bare value).
 * The refusal must not print the value on the terminal (screen shares, CI logs, terminal scrollback), just as
 * {@code secrets set} never quotes a bare value.
 */
class SecretsUnsetEchoTest {
    @TempDir
    Path home;

    @Test
    void unsetOfNameEqualsValueNeverPrintsTheValue() {
        CliRunner cli = new CliRunner(home, Clock.systemUTC());
        CliRunner.Result r = cli.run("secrets", "unset", "--app", "web", "DB_PASSWORD=hunter2-secret");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("DB_PASSWORD").doesNotContain("hunter2");
        assertThat(r.out()).doesNotContain("hunter2");
    }

    @Test
    void dotenvLineWithValueInTheNamePartNeverPrintsIt() {
        CliRunner cli = new CliRunner(home, Clock.systemUTC());
        CliRunner.Result r = cli.runWithInput("db-password=hunter2-secret\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "secrets", "import", "--app", "web");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err() + r.out()).doesNotContain("hunter2");
    }
}

package dev.postern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** "Did you mean" for mistyped commands and options, printed after picocli's own error line; no server needed. */
class SuggestionsTest {
    @TempDir
    Path tmp;

    private CliRunner.Result run(String... args) {
        CliRunner.Result r = new CliRunner(tmp, Clock.systemUTC()).run(args);
        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        return r;
    }

    @Test
    void aMistypedSubcommandNamesTheCommandMeant() {
        assertThat(run("machines", "lst").err()).contains("postern: did you mean 'postern machines list'?");
        assertThat(run("mchines").err()).contains("postern: did you mean 'postern machines'?")
                .as("only close names").doesNotContain("access");
        assertThat(run("ssh", "consle").err()).contains("did you mean 'postern ssh console'?");
    }

    @Test
    void aMistypedOptionNamesTheOptionMeant() {
        assertThat(run("machines", "list", "--app", "web", "--jsn").err()).contains("postern: did you mean '--json'?");
        // picocli reports the required --app as missing, not --ap as unknown
        assertThat(run("machines", "list", "--ap", "web").err()).contains("Missing required option")
                .contains("postern: did you mean '--app'?");
    }

    @Test
    void nothingCloseSuggestsNothing() {
        assertThat(run("xyzzyplugh").err()).doesNotContain("did you mean");
    }
}

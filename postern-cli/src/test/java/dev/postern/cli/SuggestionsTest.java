package dev.postern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Did you mean" for mistyped commands and options: at the end of picocli's own error line, worded as for a mistyped
 * app or machine ({@code DidYouMeanIT}); no server needed.
 */
class SuggestionsTest {
    @TempDir
    Path tmp;

    private CliRunner.Result run(String... args) {
        CliRunner.Result r = new CliRunner(tmp, Clock.systemUTC()).run(args);
        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        return r;
    }

    /** The error's line: before, the suggestion was a line of its own ("postern: did you mean '--json'?"). */
    private static String firstLine(CliRunner.Result r) {
        assertThat(r.err()).as(r.toString()).startsWith("postern: ");
        return r.err().lines().findFirst().orElseThrow();
    }

    @Test
    void aMistypedSubcommandNamesTheCommandMeant() {
        assertThat(firstLine(run("machines", "lst"))).endsWith("'lst'; did you mean 'postern machines list'?");
        CliRunner.Result mchines = run("mchines");
        assertThat(firstLine(mchines)).endsWith("; did you mean 'postern machines'?");
        assertThat(mchines.err()).as("only close names").doesNotContain("access");
        assertThat(firstLine(run("ssh", "consle"))).endsWith("; did you mean 'postern ssh console'?");
    }

    @Test
    void aMistypedOptionNamesTheOptionMeant() {
        CliRunner.Result jsn = run("machines", "list", "--app", "web", "--jsn");
        assertThat(firstLine(jsn)).isEqualTo("postern: Unknown option: '--jsn'; did you mean '--json'?");
        assertThat(jsn.err().lines().toList()).as(jsn.toString()).hasSize(2).last().asString().startsWith("Try ");
        // picocli reports the required --app as missing, not --ap as unknown
        assertThat(firstLine(run("machines", "list", "--ap", "web"))).startsWith("postern: Missing required option")
                .endsWith("; did you mean '--app'?");
    }

    @Test
    void nothingCloseSuggestsNothing() {
        assertThat(run("xyzzyplugh").err()).doesNotContain("did you mean");
    }
}

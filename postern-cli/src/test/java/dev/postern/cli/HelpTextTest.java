package dev.postern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Every command's {@code --help}, as a person reads it: no line wider than the usage width, and every word of every
 * description whole on one line (picocli's line breaker used to split "read-only" after the hyphen and paths after
 * a slash).
 */
class HelpTextTest {
    @TempDir
    Path tmp;

    @Test
    void theUsageWidthIsTheTerminalsWithinBoundsElseOneHundred() {
        assertThat(HelpWidth.of(Map.of())).isEqualTo(100);
        assertThat(HelpWidth.of(Map.of("COLUMNS", "132"))).isEqualTo(132);
        assertThat(HelpWidth.of(Map.of("COLUMNS", "40"))).as("never narrower than 80").isEqualTo(80);
        assertThat(HelpWidth.of(Map.of("COLUMNS", "1000"))).as("never wider than 160").isEqualTo(160);
        assertThat(HelpWidth.of(Map.of("COLUMNS", "wide"))).isEqualTo(100);
    }

    @Test
    void everyHelpFitsItsWidthAndSplitsNoWord() {
        for (int width : new int[] {80, 100, 132}) {
            CliRunner runner = new CliRunner(tmp, Clock.systemUTC()).env("COLUMNS", Integer.toString(width));
            List<String[]> paths = new ArrayList<>();
            CommandLine root = Main.commandLine(runner.environmentForTests());
            collect(root, new ArrayList<>(), paths);
            assertThat(paths).hasSizeGreaterThan(15);
            for (String[] path : paths) {
                CliRunner.Result r = runner.run(path);
                String what = "COLUMNS=" + width + " postern " + String.join(" ", path);
                assertThat(r.exit()).as(what + "\n" + r).isZero();
                for (String line : r.out().lines().toList()) {
                    assertThat(line.length()).as(what + ": " + line).isLessThanOrEqualTo(width);
                }
                Set<String> shown = new HashSet<>(Arrays.asList(r.out().split("\\s+")));
                for (String word : words(spec(root, path))) {
                    assertThat(shown).as(what + ": the word '" + word + "' is split\n" + r.out()).contains(word);
                }
            }
        }
    }

    /**
     * Every optional --org (and ORG parameter) says how the org is chosen when it is not given ({@link OrgHelp}): it used to say
     * "your only org" while POSTERN_ORG and 'postern orgs use' came first.
     */
    @Test
    void everyOrgOptionSaysHowTheOrgIsChosen() {
        CliRunner runner = new CliRunner(tmp, Clock.systemUTC());
        List<String[]> paths = new ArrayList<>();
        CommandLine root = Main.commandLine(runner.environmentForTests());
        collect(root, new ArrayList<>(), paths);
        int orgs = 0;
        for (String[] path : paths) {
            for (ArgSpec arg : spec(root, path).args()) {
                // 'audit log' reads every org without --org, 'orgs use ORG' names the org it sets
                boolean org = arg.isOption() ? Arrays.asList(((CommandLine.Model.OptionSpec) arg).names())
                        .contains("--org") && !path[0].equals("audit")
                        : "ORG".equals(arg.paramLabel()) && String.join(" ", arg.description()).startsWith("default");
                if (org && !arg.required()) {
                    orgs++;
                    assertThat(String.join(" ", arg.description())).as("postern " + String.join(" ", path))
                            .isIn(OrgHelp.ORG, OrgHelp.ORG_OF_APP);
                }
            }
        }
        assertThat(orgs).isGreaterThan(20);
    }

    /** The command {@code path} (ending in --help) names. */
    private static CommandSpec spec(CommandLine root, String[] path) {
        CommandLine c = root;
        for (int i = 0; i < path.length - 1; i++) {
            c = c.getSubcommands().get(path[i]);
        }
        return c.getCommandSpec();
    }

    /** The words of the command's description and of its options' and parameters' descriptions. */
    private static List<String> words(CommandSpec spec) {
        List<String> texts = new ArrayList<>(Arrays.asList(spec.usageMessage().description()));
        for (ArgSpec arg : spec.args()) {
            if (!arg.hidden()) {
                texts.addAll(Arrays.asList(arg.description()));
            }
        }
        List<String> words = new ArrayList<>();
        for (String text : texts) {
            for (String w : text.split("\\s+")) {
                // ${DEFAULT-VALUE} and the like are replaced when shown; %n is a line break
                if (!w.isEmpty() && !w.contains("${") && !w.contains("%n")) {
                    words.add(w);
                }
            }
        }
        return words;
    }

    private static void collect(CommandLine command, List<String> prefix, List<String[]> out) {
        List<String> help = new ArrayList<>(prefix);
        help.add("--help");
        out.add(help.toArray(String[]::new));
        command.getSubcommands().forEach((name, sub) -> {
            List<String> p = new ArrayList<>(prefix);
            p.add(name);
            collect(sub, p, out);
        });
    }
}

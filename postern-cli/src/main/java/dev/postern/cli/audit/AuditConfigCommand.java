package dev.postern.cli.audit;

import dev.postern.cli.CliEnvironment;
import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.Output;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code postern audit config [fly.toml] [Dockerfile] [--json]}: a local, static audit of a Fly app's
 * configuration (no server needed). Exit 0 without findings, 1 with findings (like a linter), 2 on input that
 * cannot be audited. docs/AUDIT.md lists every finding id.
 */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = {"Audit a fly.toml and a Dockerfile for secrets in plain text, public services that should be "
                + "private, SSH servers, root containers, unpinned images and missing limits (docs/AUDIT.md).",
                "A FILE ending in .toml is the Fly config, any other FILE a Dockerfile; without FILE: ./fly.toml "
                        + "and ./Dockerfile, those present."},
        footer = {"", "Exit codes: 0 no findings, 1 findings, 2 a file is missing or not valid (the message names "
                + "the file and line)."})
public final class AuditConfigCommand implements java.util.concurrent.Callable<Integer> {
    /** The exit code when the audit found something: 1, as linters do. */
    public static final int FINDINGS = 1;
    private final CliEnvironment env;

    @Parameters(arity = "0..2", paramLabel = "FILE", description = "fly.toml and/or Dockerfile")
    List<String> files = new ArrayList<>();

    @Option(names = "--json", description = "Print the findings as a JSON array.")
    boolean json;

    public AuditConfigCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        ConfigAudit.Input flyToml = null;
        ConfigAudit.Input dockerfile = null;
        if (files.isEmpty()) {
            Defaults defaults = defaults(Path.of(""));
            flyToml = defaults.flyToml();
            dockerfile = defaults.dockerfile();
        }
        for (String file : files) {
            ConfigAudit.Input input = new ConfigAudit.Input(env.expandPath(file), file);
            if (isToml(file)) {
                if (flyToml != null) {
                    throw CliException.usage("two .toml files (" + flyToml.shown() + ", " + file + "): name one "
                            + "fly.toml and at most one Dockerfile");
                }
                flyToml = input;
            } else {
                if (dockerfile != null) {
                    throw CliException.usage("two Dockerfiles (" + dockerfile.shown() + ", " + file + "): name one "
                            + "fly.toml (ending in .toml) and at most one Dockerfile");
                }
                dockerfile = input;
            }
        }
        List<Finding> findings = ConfigAudit.audit(flyToml, dockerfile);
        if (json) {
            Output.json(env.out(), findings);
        } else {
            print(env.out(), findings, flyToml, dockerfile);
        }
        return findings.isEmpty() ? ExitCodes.OK : FINDINGS;
    }

    /** The files audited when none is named: those of ./fly.toml and ./Dockerfile that exist. */
    record Defaults(ConfigAudit.Input flyToml, ConfigAudit.Input dockerfile) {
    }

    static Defaults defaults(Path dir) {
        Path fly = dir.resolve("fly.toml");
        Path docker = dir.resolve("Dockerfile");
        Defaults found = new Defaults(Files.exists(fly) ? new ConfigAudit.Input(fly, "fly.toml") : null,
                Files.exists(docker) ? new ConfigAudit.Input(docker, "Dockerfile") : null);
        if (found.flyToml() == null && found.dockerfile() == null) {
            throw CliException.usage("no fly.toml or Dockerfile in " + dir.toAbsolutePath()
                    + "; run it in the app's directory or name the files: postern audit config PATH/fly.toml "
                    + "PATH/Dockerfile");
        }
        return found;
    }

    private static boolean isToml(String file) {
        return file.toLowerCase(Locale.ROOT).endsWith(".toml");
    }

    private static void print(PrintStream out, List<Finding> findings, ConfigAudit.Input flyToml,
                              ConfigAudit.Input dockerfile) {
        List<String> audited = new ArrayList<>();
        if (flyToml != null) {
            audited.add(flyToml.shown());
        }
        if (dockerfile != null) {
            audited.add(dockerfile.shown());
        }
        if (findings.isEmpty()) {
            out.println(Output.safe("no findings in " + String.join(", ", audited)));
            return;
        }
        int[] bySeverity = new int[Severity.values().length];
        for (Finding f : findings) {
            bySeverity[f.severity().ordinal()]++;
            out.println(Output.safe(f.id() + "  " + f.severity().label() + "  " + f.file() + ":" + f.line()));
            out.println("  " + Output.safe(f.message()));
            out.println("  fix: " + Output.safe(f.fix()));
            out.println();
        }
        out.println(findings.size() + (findings.size() == 1 ? " finding" : " findings") + " in "
                + Output.safe(String.join(", ", audited)) + ": " + bySeverity[Severity.HIGH.ordinal()] + " high, "
                + bySeverity[Severity.MEDIUM.ordinal()] + " medium, " + bySeverity[Severity.LOW.ordinal()] + " low");
    }
}

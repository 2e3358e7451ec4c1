package dev.postern.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The top-level {@code postern} command; its subcommands are added by {@link Main#subcommands}. */
@Command(name = "postern", mixinStandardHelpOptions = true, version = "postern 0.1.0-SNAPSHOT",
        synopsisSubcommandLabel = "COMMAND",
        description = "SSH access plane: short-lived OpenSSH certificates for the machines of your organization.",
        footer = {"", "Exit codes: 0 ok, 1 failure, 2 bad input, 3 not logged in or not allowed, "
                + "4 server unreachable (docs/CLI.md)."})
final class PosternCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Show stack traces of failures (also: POSTERN_DEBUG=1).")
    boolean verbose;

    // Read by ContextOption before picocli parses (so it is never set here); declared for --help only.
    @Option(names = "--context", scope = ScopeType.INHERIT, paramLabel = "NAME",
            description = "Use this saved login (also: POSTERN_CONTEXT); see 'postern auth list'.")
    String context;

    @Override
    public void run() {
        throw new MissingSubcommandException(spec.commandLine());
    }
}

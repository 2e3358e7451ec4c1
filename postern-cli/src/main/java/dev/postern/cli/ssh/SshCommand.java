package dev.postern.cli.ssh;

import dev.postern.cli.CliEnvironment;
import dev.postern.cli.MissingSubcommandException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code postern ssh ...}: the org's certificate authority and the certificates it issues. */
@Command(name = "ssh", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "COMMAND",
        description = "The org's SSH certificate authority (establish, issue, log, revoke) and connections to machines (console, sftp, config).",
        subcommands = {EstablishCommand.class, IssueCommand.class, LogCommand.class, RevokeCommand.class,
            ConsoleCommand.class, ConfigCommand.class, SftpCommand.class})
public final class SshCommand implements Runnable {
    @Spec
    CommandSpec spec;

    public SshCommand(CliEnvironment env) {
        // subcommands receive the environment from the factory; the group itself only prints usage
    }

    @Override
    public void run() {
        throw new MissingSubcommandException(spec.commandLine());
    }
}

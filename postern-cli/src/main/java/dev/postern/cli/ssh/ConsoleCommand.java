package dev.postern.cli.ssh;

import dev.postern.cli.CliEnvironment;
import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.connect.MachineConnection;
import dev.postern.cli.connect.RemoteExit;
import dev.postern.cli.connect.Streams;
import dev.postern.cli.connect.TargetOptions;
import dev.postern.cli.connect.Targets;
import java.io.IOException;
import java.util.concurrent.Callable;
import org.apache.sshd.client.channel.ChannelExec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code postern ssh console --app A [--machine ID | -s | -r R] [-C CMD] [-u USER] [--pty | --no-pty]}: a shell
 * or a command on a machine, through the gateway, with the machine's host certificate checked.
 */
@Command(name = "console", mixinStandardHelpOptions = true,
        description = {"Open a shell on a machine of the app, or run one command (-C) and exit with its status.",
            "Goes through the org's gateway; the machine must show a host certificate of the org's host CA naming it.",
            "Uses the certificate kept in ~/.postern/ssh/id_<context>_<org> (8 hours, issued again only near its end or",
            "when revoked), else a fitting ~/.ssh/id_postern*, else issues a new kept one. What it knows of the org is",
            "cached for 5 minutes, so a repeated console with --machine asks the control plane nothing.",
            "A console with the same options as an earlier one runs through OpenSSH's ssh with no JVM, for up to an",
            "hour (POSTERN_OPENSSH=0 turns that off; docs/CLI.md)."})
final class ConsoleCommand implements Callable<Integer> {
    private final CliEnvironment env;

    @Mixin
    TargetOptions target = new TargetOptions();

    @Option(names = {"-C", "--command"}, paramLabel = "CMD",
            description = "run CMD instead of a shell; stdin, stdout and stderr are piped, the exit code is CMD's")
    String command;

    @Option(names = "--pty", negatable = true,
            description = "allocate a terminal (default: yes for a shell on a terminal, no for -C)")
    Boolean pty;

    ConsoleCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public Integer call() throws IOException {
        if (command != null && command.isBlank()) {
            throw CliException.usage("-C needs a command, e.g. -C hostname");
        }
        ContextStamp contextAt = ContextStamp.now(env);
        Targets.Resolved resolved = Targets.resolve(env, target, new TerminalPicker(env));
        try (MachineConnection connection = resolved.connect(env)) {
            // Verified just now, end to end: the next console with these selectors may run through OpenSSH.
            OpenSshPlan.save(env, target, resolved, contextAt);
            if (command == null) {
                return InteractiveShell.run(env, connection.session(), pty == null || pty);
            }
            return exec(connection, Boolean.TRUE.equals(pty));
        }
    }

    private int exec(MachineConnection connection, boolean usePty) throws IOException {
        try (ChannelExec channel = connection.session().createExecChannel(command)) {
            channel.setUsePty(usePty);
            channel.setIn(env.in());
            channel.setOut(Streams.shielded(env.out()));
            channel.setErr(Streams.shielded(env.err()));
            channel.open().verify(Targets.TIMEOUT);
            int status = RemoteExit.await(channel);
            env.out().flush();
            env.err().flush();
            return status;
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILURE, "running '" + command + "' on the machine failed: " + e.getMessage(),
                    e);
        }
    }
}

package dev.postern.cli.ssh;

import dev.postern.cli.CliEnvironment;
import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.MissingSubcommandException;
import dev.postern.cli.client.Printable;
import dev.postern.cli.connect.MachineConnection;
import dev.postern.cli.connect.TargetOptions;
import dev.postern.cli.connect.Targets;
import java.io.IOException;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code postern ssh sftp shell|get|put|find --app A ...}: files on a machine, over the same path as console. */
@Command(name = "sftp", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "COMMAND",
        description = "Copy files to and from a machine (SFTP through the gateway).")
final class SftpCommand implements Runnable {
    static final int MAX_SHELL_LINES = 100_000;
    private final CliEnvironment env;

    @Spec
    CommandSpec spec;

    SftpCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public void run() {
        throw new MissingSubcommandException(spec.commandLine());
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = {"Copy REMOTE from the machine to LOCAL.",
        "Like 'ssh console', it leaves a plan: the next single-file get with the same selectors",
        "runs through OpenSSH's scp with no JVM (POSTERN_OPENSSH=0 turns that off; docs/CLI.md)."})
    int get(@Mixin TargetOptions target,
            @Option(names = "-R", description = "copy a directory and everything under it, like scp -r")
            boolean recursive,
            @Option(names = "--overwrite", description = "replace local files that exist (default: refuse)")
            boolean overwrite,
            @Parameters(index = "0", paramLabel = "REMOTE") String remote,
            @Parameters(index = "1", arity = "0..1", paramLabel = "LOCAL", description = "default: current directory")
            String local) throws IOException {
        return withSftp(target, true, sftp -> transfer(new Transfers(sftp, Progress.forTerminal(env), overwrite),
                t -> t.get(remote, env.expandPath(local == null ? "." : local), recursive)));
    }

    @Command(name = "put", mixinStandardHelpOptions = true, description = "Copy LOCAL to REMOTE on the machine.")
    int put(@Mixin TargetOptions target,
            @Option(names = "-R", description = "copy a directory and everything under it, like scp -r")
            boolean recursive,
            @Option(names = "--overwrite", description = "replace files that exist on the machine (default: refuse)")
            boolean overwrite,
            @Parameters(index = "0", paramLabel = "LOCAL") String local,
            @Parameters(index = "1", arity = "0..1", paramLabel = "REMOTE", description = "default: the login's home")
            String remote) throws IOException {
        return withSftp(target, false, sftp -> transfer(new Transfers(sftp, Progress.forTerminal(env), overwrite),
                t -> t.put(env.expandPath(local), remote == null ? "." : remote, recursive)));
    }

    private interface TransferWork {
        void run(Transfers t) throws IOException;
    }

    /** Runs one transfer with Ctrl-C (the JVM's shutdown) removing the file being written. */
    private static void transfer(Transfers t, TransferWork work) throws IOException {
        try (ShutdownHook hook = ShutdownHook.install(t::interruptForExit)) {
            work.run(t);
        }
    }

    @Command(name = "find", mixinStandardHelpOptions = true, description = "List every path under PATH on the machine.")
    int find(@Mixin TargetOptions target,
             @Parameters(index = "0", arity = "0..1", paramLabel = "PATH", defaultValue = ".") String path)
            throws IOException {
        // names come from the machine: one per line, so control characters (a newline, ESC) are escaped
        return withSftp(target, false, sftp -> new Transfers(sftp, Progress.forTerminal(env), false).find(path)
                .forEach(p -> env.out().println(Printable.escape(p))));
    }

    @Command(name = "shell", mixinStandardHelpOptions = true,
            description = "Interactive: ls, cd, pwd, lls, lcd, lpwd, get, put, find, rm, mkdir, rmdir, rename, chmod, "
                    + "help, exit; line editing and history (~/.postern/sftp_history).")
    int shell(@Mixin TargetOptions target) throws IOException {
        return withSftp(target, false, this::repl);
    }

    private interface SftpWork {
        void run(SftpClient sftp) throws IOException;
    }

    /**
     * @param plan whether a verified connection leaves the plan that lets the launcher run the next such command
     *     through OpenSSH ({@link OpenSshPlan}; the launcher follows it for {@code get} only)
     */
    private int withSftp(TargetOptions target, boolean plan, SftpWork work) throws IOException {
        ContextStamp contextAt = ContextStamp.now(env);
        Targets.Resolved resolved = Targets.resolve(env, target, new TerminalPicker(env));
        try (MachineConnection c = resolved.connect(env);
             SftpClient sftp = SftpClientFactory.instance().createSftpClient(c.session())) {
            if (plan) {
                // Verified just now, end to end, and the SFTP subsystem is there: the same plan as a console's.
                OpenSshPlan.save(env, target, resolved, contextAt);
            }
            work.run(sftp);
        } catch (org.apache.sshd.sftp.common.SftpException e) {
            throw new CliException(ExitCodes.FAILURE, "sftp: " + e.getMessage(), e);
        }
        return ExitCodes.OK;
    }

    /** The interactive shell over {@code sftp}; package-private so a test can drive it against a hostile server. */
    void repl(SftpClient sftp) throws IOException {
        SftpShell shell = new SftpShell(env, sftp, Progress.forTerminal(env));
        try (ShellLines lines = ShellLines.open(env, env.posternHome().resolve("sftp_history"));
             ShutdownHook hook = ShutdownHook.install(shell::interruptForExit)) {
            for (int i = 0; i < MAX_SHELL_LINES; i++) {
                String line = lines.read(shell.prompt(), shell::cancel);
                if (line == null) {
                    lines.out().println();
                    return;
                }
                if (!shell.run(line, lines.out())) {
                    return;
                }
                lines.out().flush();
            }
        }
    }
}

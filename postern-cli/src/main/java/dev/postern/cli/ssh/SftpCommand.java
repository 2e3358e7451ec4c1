package dev.postern.cli.ssh;

import dev.postern.cli.CliEnvironment;
import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.MissingSubcommandException;
import dev.postern.cli.client.Printable;
import dev.postern.cli.connect.MachineConnection;
import dev.postern.cli.connect.TargetOptions;
import dev.postern.cli.connect.Targets;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
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

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Copy REMOTE from the machine to LOCAL.")
    int get(@Mixin TargetOptions target,
            @Option(names = "-R", description = "copy directories recursively") boolean recursive,
            @Parameters(index = "0", paramLabel = "REMOTE") String remote,
            @Parameters(index = "1", arity = "0..1", paramLabel = "LOCAL", description = "default: current directory")
            String local) throws IOException {
        return withSftp(target, sftp -> new Transfers(sftp, Progress.forTerminal(env))
                .get(remote, env.expandPath(local == null ? "." : local), recursive));
    }

    @Command(name = "put", mixinStandardHelpOptions = true, description = "Copy LOCAL to REMOTE on the machine.")
    int put(@Mixin TargetOptions target,
            @Option(names = "-R", description = "copy directories recursively") boolean recursive,
            @Parameters(index = "0", paramLabel = "LOCAL") String local,
            @Parameters(index = "1", arity = "0..1", paramLabel = "REMOTE", description = "default: the login's home")
            String remote) throws IOException {
        return withSftp(target, sftp -> new Transfers(sftp, Progress.forTerminal(env))
                .put(env.expandPath(local), remote == null ? "." : remote, recursive));
    }

    @Command(name = "find", mixinStandardHelpOptions = true, description = "List every path under PATH on the machine.")
    int find(@Mixin TargetOptions target,
             @Parameters(index = "0", arity = "0..1", paramLabel = "PATH", defaultValue = ".") String path)
            throws IOException {
        // names come from the machine: one per line, so control characters (a newline, ESC) are escaped
        return withSftp(target, sftp -> new Transfers(sftp, Progress.forTerminal(env)).find(path)
                .forEach(p -> env.out().println(Printable.escape(p))));
    }

    @Command(name = "shell", mixinStandardHelpOptions = true,
            description = "Interactive: ls [P], cd P, pwd, get R [L], put L [R], find [P], exit.")
    int shell(@Mixin TargetOptions target) throws IOException {
        return withSftp(target, this::repl);
    }

    private interface SftpWork {
        void run(SftpClient sftp) throws IOException;
    }

    private int withSftp(TargetOptions target, SftpWork work) throws IOException {
        Targets.Resolved resolved = Targets.resolve(env, target, new TerminalPicker(env));
        try (MachineConnection c = resolved.connect(env);
             SftpClient sftp = SftpClientFactory.instance().createSftpClient(c.session())) {
            work.run(sftp);
        } catch (org.apache.sshd.sftp.common.SftpException e) {
            throw new CliException(ExitCodes.FAILURE, "sftp: " + e.getMessage(), e);
        }
        return ExitCodes.OK;
    }

    /** The interactive shell over {@code sftp}; package-private so a test can drive it against a hostile server. */
    void repl(SftpClient sftp) throws IOException {
        PrintStream out = env.out();
        BufferedReader in = new BufferedReader(new InputStreamReader(env.in(), StandardCharsets.UTF_8));
        String cwd = sftp.canonicalPath(".");
        Transfers t = new Transfers(sftp, Progress.forTerminal(env));
        for (int i = 0; i < MAX_SHELL_LINES; i++) {
            out.print("sftp " + Printable.escape(cwd) + "> ");
            out.flush();
            String line = in.readLine();
            if (line == null) {
                out.println();
                return;
            }
            List<String> w = List.of(line.trim().split("\\s+"));
            String cmd = w.get(0);
            try {
                switch (cmd) {
                    case "" -> { }
                    case "exit", "quit", "bye" -> {
                        return;
                    }
                    case "pwd" -> out.println(Printable.escape(cwd));
                    case "cd" -> cwd = sftp.canonicalPath(resolve(cwd, w.size() > 1 ? w.get(1) : "~"));
                    case "ls" -> {
                        for (SftpClient.DirEntry e : sftp.readDir(resolve(cwd, w.size() > 1 ? w.get(1) : "."))) {
                            String name = e.getFilename();
                            if (!name.equals(".") && !name.equals("..")) {
                                SftpClient.Attributes a = e.getAttributes();
                                out.printf("%s %12d %s%n", a.isDirectory() ? "d" : a.isSymbolicLink() ? "l" : "-",
                                        a.getSize(), Printable.escape(name));
                            }
                        }
                    }
                    case "find" -> t.find(resolve(cwd, w.size() > 1 ? w.get(1) : "."))
                            .forEach(p -> out.println(Printable.escape(p)));
                    case "get" -> t.get(resolve(cwd, arg(w, 1)), env.expandPath(w.size() > 2 ? w.get(2) : "."), true);
                    case "put" -> t.put(env.expandPath(arg(w, 1)), resolve(cwd, w.size() > 2 ? w.get(2) : "."), true);
                    default -> out.println("unknown command '" + cmd + "'; try ls, cd, pwd, get, put, find, exit");
                }
            } catch (IOException | UncheckedIOException | CliException e) {
                // an SFTP error's text is the machine's: escaped, as every other word of it (ls hides I/O errors
                // in an unchecked exception)
                out.println("error: " + Printable.forTerminal(e.getMessage()));
            }
        }
    }

    private static String arg(List<String> words, int i) {
        if (words.size() <= i) {
            throw CliException.usage(words.get(0) + " needs a path");
        }
        return words.get(i);
    }

    private static String resolve(String cwd, String p) {
        if (p.equals("~")) {
            return ".";
        }
        return p.startsWith("/") ? p : Transfers.join(cwd, p);
    }
}

package dev.postern.cli.ssh;

import dev.postern.cli.CliEnvironment;
import dev.postern.cli.CliException;
import dev.postern.cli.client.Printable;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.sftp.client.SftpClient;

/**
 * The commands of {@code postern ssh sftp shell}, one line at a time. A failing command prints an error naming
 * its path and the shell carries on; every word that comes from the machine is escaped before it is printed.
 */
final class SftpShell {
    static final String HELP = """
            ls [PATH]                list a directory on the machine
            cd [PATH]                change the directory on the machine (no PATH: the login's home)
            pwd                      print the directory on the machine
            lls [PATH]               list a local directory
            lcd PATH                 change the local directory
            lpwd                     print the local directory
            get [-R] [-f] REMOTE [LOCAL]   copy from the machine (-R: a directory; -f: replace existing files)
            put [-R] [-f] LOCAL [REMOTE]   copy to the machine
            find [PATH]              every path under PATH on the machine
            rm PATH                  remove a file on the machine
            mkdir PATH               create a directory on the machine
            rmdir PATH               remove an empty directory on the machine
            rename OLD NEW           rename on the machine
            chmod MODE PATH          change permissions on the machine (octal MODE, e.g. 640)
            help                     this text
            exit, quit               leave""";
    private final CliEnvironment env;
    private final SftpClient sftp;
    private final Progress progress;
    private String cwd;
    private Path lcwd;
    private Transfers current;

    SftpShell(CliEnvironment env, SftpClient sftp, Progress progress) throws IOException {
        this.env = env;
        this.sftp = sftp;
        this.progress = progress;
        this.cwd = sftp.canonicalPath(".");
        this.lcwd = env.expandPath(".").toAbsolutePath().normalize();
    }

    String prompt() {
        return "sftp " + Printable.escape(cwd) + "> ";
    }

    /** Ctrl-C during a command: stops the transfer in progress (its temporary file is removed). */
    void cancel() {
        Transfers t = current;
        if (t != null) {
            t.cancel();
        }
    }

    /** Ctrl-C that ends the process: the file being written is removed and the progress line ended. */
    void interruptForExit() {
        Transfers t = current;
        if (t != null) {
            t.interruptForExit();
        }
    }

    /** Runs one line; false when it asks to leave. Errors are printed, never thrown. */
    boolean run(String line, PrintStream out) {
        List<String> w = words(line);
        if (w.isEmpty()) {
            return true;
        }
        try {
            return command(w, out);
        } catch (IOException | UncheckedIOException | CliException | IllegalArgumentException e) {
            // the text may be the machine's (an SFTP status message): escaped; paths in it are escaped already
            out.println("error: " + Printable.forTerminal(String.valueOf(e.getMessage())));
            return true;
        }
    }

    private boolean command(List<String> w, PrintStream out) throws IOException {
        String cmd = w.get(0);
        switch (cmd) {
            case "exit", "quit", "bye" -> {
                return false;
            }
            case "help", "?" -> out.println(HELP);
            case "pwd" -> out.println(Printable.escape(cwd));
            case "lpwd" -> out.println(Printable.escape(lcwd.toString()));
            case "cd" -> {
                String to = resolve(w.size() > 1 ? w.get(1) : "~");
                if (!named(to, () -> sftp.stat(to)).isDirectory()) {
                    throw CliException.usage(Printable.escape(to) + " is not a directory on the machine");
                }
                cwd = named(to, () -> sftp.canonicalPath(to));
            }
            case "lcd" -> {
                Path to = local(arg(w, 1));
                if (!Files.isDirectory(to)) {
                    throw CliException.usage(Printable.escape(to.toString()) + " is not a local directory");
                }
                lcwd = to.normalize();
            }
            case "ls" -> ls(resolve(w.size() > 1 ? w.get(1) : "."), out);
            case "lls" -> lls(local(w.size() > 1 ? w.get(1) : "."), out);
            case "find" -> transfers(false).find(resolve(w.size() > 1 ? w.get(1) : "."))
                    .forEach(p -> out.println(Printable.escape(p)));
            case "get", "put" -> transfer(cmd, w);
            case "rm" -> {
                String p = resolve(arg(w, 1));
                named(p, () -> {
                    sftp.remove(p);
                    return null;
                });
            }
            case "mkdir" -> {
                String p = resolve(arg(w, 1));
                named(p, () -> {
                    sftp.mkdir(p);
                    return null;
                });
            }
            case "rmdir" -> {
                String p = resolve(arg(w, 1));
                named(p, () -> {
                    sftp.rmdir(p);
                    return null;
                });
            }
            case "rename" -> {
                String from = resolve(arg(w, 1));
                String to = resolve(arg(w, 2));
                named(from, () -> {
                    sftp.rename(from, to);
                    return null;
                });
            }
            case "chmod" -> chmod(arg(w, 1), resolve(arg(w, 2)));
            default -> out.println("unknown command '" + Printable.escape(cmd) + "'; type help for the list");
        }
        return true;
    }

    private void transfer(String cmd, List<String> w) throws IOException {
        boolean recursive = false;
        boolean overwrite = false;
        List<String> paths = new ArrayList<>();
        for (String s : w.subList(1, w.size())) {
            switch (s) {
                case "-R", "-r" -> recursive = true;
                case "-f", "--overwrite" -> overwrite = true;
                default -> paths.add(s);
            }
        }
        if (paths.isEmpty() || paths.size() > 2) {
            throw CliException.usage(cmd + " needs one or two paths; type help");
        }
        Transfers t = transfers(overwrite);
        current = t;
        try {
            if (cmd.equals("get")) {
                t.get(resolve(paths.get(0)), local(paths.size() > 1 ? paths.get(1) : "."), recursive);
            } else {
                t.put(local(paths.get(0)), resolve(paths.size() > 1 ? paths.get(1) : "."), recursive);
            }
        } finally {
            current = null;
        }
    }

    private Transfers transfers(boolean overwrite) {
        return new Transfers(sftp, progress, overwrite);
    }

    private void ls(String path, PrintStream out) throws IOException {
        SftpClient.Attributes self = named(path, () -> sftp.lstat(path));
        if (!self.isDirectory()) {
            out.printf("%s %12d %s%n", kind(self), self.getSize(), Printable.escape(path));
            return;
        }
        List<String> lines = new ArrayList<>();
        named(path, () -> {
            for (SftpClient.DirEntry e : sftp.readDir(path)) {
                if (!RemoteNames.isSelfOrParent(e.getFilename())) {
                    SftpClient.Attributes a = e.getAttributes();
                    lines.add(String.format("%s %12d %s", kind(a), a.getSize(), Printable.escape(e.getFilename())));
                }
            }
            return null;
        });
        lines.sort((a, b) -> a.substring(15).compareTo(b.substring(15)));
        lines.forEach(out::println);
    }

    private static void lls(Path dir, PrintStream out) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw CliException.usage(Printable.escape(dir.toString()) + " is not a local directory");
        }
        List<String> lines = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                String kind = Files.isSymbolicLink(p) ? "l" : Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "d" : "-";
                long size = Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? Files.size(p) : 0;
                lines.add(String.format("%s %12d %s", kind, size, Printable.escape(p.getFileName().toString())));
            }
        }
        lines.sort((a, b) -> a.substring(15).compareTo(b.substring(15)));
        lines.forEach(out::println);
    }

    private void chmod(String mode, String path) throws IOException {
        if (!mode.matches("[0-7]{1,4}")) {
            throw CliException.usage("chmod needs an octal mode such as 640, not '" + Printable.escape(mode) + "'");
        }
        int bits = Integer.parseInt(mode, 8);
        named(path, () -> {
            SftpClient.Attributes a = new SftpClient.Attributes();
            a.setPermissions(bits);
            sftp.setStat(path, a);
            return null;
        });
    }

    private static String kind(SftpClient.Attributes a) {
        return a.isDirectory() ? "d" : a.isSymbolicLink() ? "l" : "-";
    }

    private interface Call<T> {
        T run() throws IOException;
    }

    /** An SFTP request whose error message names {@code path} (servers often do not). */
    private static <T> T named(String path, Call<T> call) throws IOException {
        try {
            return call.run();
        } catch (IOException e) {
            throw new IOException(Printable.escape(path) + ": " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new IOException(Printable.escape(path) + ": " + e.getCause().getMessage(), e);
        }
    }

    private static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        for (String s : line.trim().split("\\s+")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    private static String arg(List<String> words, int i) {
        if (words.size() <= i) {
            throw CliException.usage(words.get(0) + " needs " + (i == 1 ? "a path" : "two arguments") + "; type help");
        }
        return words.get(i);
    }

    private Path local(String p) {
        Path path = p.startsWith("~") ? env.expandPath(p) : lcwd.resolve(p);
        return path.toAbsolutePath();
    }

    private String resolve(String p) {
        if (p.equals("~")) {
            return ".";
        }
        if (p.equals(".")) {
            return cwd;
        }
        return p.startsWith("/") ? p : Transfers.join(cwd, p);
    }
}

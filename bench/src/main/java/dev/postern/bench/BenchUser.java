package dev.postern.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The account both servers log the benchmarks in as: {@code postern-bench-<harness pid>}, shell /bin/sh, home
 * in /dev/shm, no dotfiles. Logging in as root would run root's ~/.bashrc for every command (bash reads it when
 * SSH_CLIENT is set), and that measures the machine's dotfiles, not the servers. Created for the run and removed
 * after it. The name is the run's own because runs from other worktrees may overlap on the same machine: a
 * shared account would be deleted, and its processes ended, by whichever run finishes first.
 */
final class BenchUser implements AutoCloseable {
    static final String NAME = "postern-bench-" + ProcessHandle.current().pid();
    static final Path HOME = Path.of("/dev/shm/" + NAME + "-home");
    private static final Duration T = Duration.ofSeconds(30);

    private final boolean created;

    private BenchUser(boolean created) {
        this.created = created;
    }

    static BenchUser ensure() throws IOException {
        boolean exists = Proc.run(T, List.of("getent", "passwd", NAME)).exitCode() == 0;
        if (!exists) {
            // password "*" (no password login) rather than useradd's "!", which sshd treats as a locked account
            Proc.check(T, List.of("useradd", "--system", "--no-create-home", "--home-dir", HOME.toString(),
                    "--shell", "/bin/sh", "--password", "*", NAME));
        }
        Files.createDirectories(HOME);
        Proc.check(T, List.of("chown", NAME + ":", HOME.toString()));
        return new BenchUser(!exists);
    }

    /** A directory in the run's work directory that the bench user may write (SFTP targets). */
    static Path writableDir(Path parent, String name) throws IOException {
        Path dir = Files.createDirectories(parent.resolve(name));
        Proc.check(T, List.of("chown", NAME + ":", dir.toString()));
        return dir;
    }

    /**
     * Ends what still runs as the bench user (sshd leaves a non-pty session's command running when the
     * connection closes): every such process was started by this run, and is ended by its pid.
     */
    static void endLeftovers() {
        try {
            String uid = Proc.run(T, List.of("id", "-u", NAME)).output().strip();
            if (!uid.matches("\\d+")) {
                return;
            }
            try (var procs = Files.list(Path.of("/proc"))) {
                procs.filter(p -> p.getFileName().toString().matches("\\d+")).forEach(p -> {
                    try {
                        String owner = Files.readAllLines(p.resolve("status")).stream()
                                .filter(l -> l.startsWith("Uid:")).findFirst().orElse("").split("\\s+")[1];
                        if (owner.equals(uid)) {
                            ProcessHandle.of(Long.parseLong(p.getFileName().toString()))
                                    .ifPresent(ProcessHandle::destroyForcibly);
                        }
                    } catch (IOException | RuntimeException e) {
                        // exited meanwhile
                    }
                });
            }
        } catch (IOException e) {
            System.err.println("bench: could not look for processes of " + NAME + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            endLeftovers();
            Proc.run(T, List.of("rm", "-rf", HOME.toString()));
            if (created) {
                Proc.run(T, List.of("userdel", NAME));
            }
        } catch (IOException e) {
            System.err.println("bench: could not remove user " + NAME + ": " + e.getMessage());
        }
    }
}

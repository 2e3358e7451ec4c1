package dev.postern.cli.connect;

import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.client.PrivateFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The exclusive lock around issuing and writing a kept identity ({@code id_<context>_<org>.lock} beside the key), so
 * that two commands started at the same moment (two consoles, a console and {@code ssh sftp get} or
 * {@code ssh config --write}) never each write a key and a certificate and leave one's key beside the other's
 * certificate. The one that waited reads the pair again and uses the new one instead of issuing its own.
 *
 * <p>An OS file lock ({@code fcntl}) is held per process, and the JVM refuses a second lock on the same file from
 * another thread of it, so threads of one JVM (tests, {@code postern demo}) also queue on an in-process lock per file.
 * Either is released when its holder ends, even by a crash: no stale lock to clean up. A holder that does not end (a
 * stopped command, a process that opened the file and sits on it) makes the others fail after {@link #WAIT}, naming
 * the file, instead of hanging: the holder's own work, one issuance request, is bounded well below that.
 * The lock is taken only in a directory no one else may write ({@link PrivateFiles#untrustedDirectory}): there
 * anyone could plant their own file at its name between the check and the open, and hold it.
 *
 * <pre>{@code try (KeptLock lock = KeptLock.take(kept.key())) { ... read again, issue, write ... }}</pre>
 */
final class KeptLock implements AutoCloseable {
    /** How long a command waits for another's lock: more than one issuance request may take (connect plus answer). */
    static final Duration WAIT = Duration.ofSeconds(45);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();
    private final ReentrantLock local;
    private final FileChannel channel;

    private KeptLock(ReentrantLock local, FileChannel channel) {
        this.local = local;
        this.channel = channel;
    }

    static Path file(Path key) {
        return key.resolveSibling(key.getFileName() + ".lock");
    }

    /**
     * Waits (at most {@link #WAIT}) for and takes the lock of the kept identity {@code key}; creates its directory
     * (0700) when missing, and refuses one others may write.
     */
    static KeptLock take(Path key) {
        Path file = file(key).toAbsolutePath().normalize();
        Optional<String> loose = untrustedDirectory(key);
        if (loose.isPresent()) {
            throw new CliException(ExitCodes.FAILURE, "will not keep a key in " + file.getParent() + ": "
                    + loose.get() + "; make it yours alone ('chmod 700 " + file.getParent() + "')");
        }
        ReentrantLock local = IN_PROCESS.computeIfAbsent(file, f -> new ReentrantLock());
        long deadline = System.nanoTime() + WAIT.toNanos();
        try {
            if (!local.tryLock(WAIT.toNanos(), TimeUnit.NANOSECONDS)) {
                throw held(file);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.FAILURE, "interrupted while waiting for " + file, e);
        }
        FileChannel channel = null;
        try {
            channel = PrivateFiles.openLock(file);
            while (channel.tryLock() == null) {
                if (System.nanoTime() - deadline > 0) {
                    throw held(file);
                }
                Thread.sleep(POLL.toMillis()); // fcntl has no wait with a bound
            }
            return new KeptLock(local, channel);
        } catch (IOException | RuntimeException | InterruptedException e) {
            closeQuietly(channel);
            local.unlock();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (e instanceof CliException c) {
                throw c;
            }
            throw new CliException(ExitCodes.FAILURE, "cannot lock " + file + " (" + e.getMessage() + "); check that "
                    + file.getParent() + " is your own directory, or remove the file", e);
        }
    }

    /**
     * Why the kept identity {@code key} is not kept at all: its directory may be written by others (then a command
     * that can do without, a console, uses a fresh identity in memory). Creates the directory (0700) when missing.
     */
    static Optional<String> untrustedDirectory(Path key) {
        Path dir = key.toAbsolutePath().getParent();
        try {
            PrivateFiles.createDirectory(dir);
        } catch (IOException e) {
            return Optional.of("cannot create it (" + e.getMessage() + ")");
        }
        return PrivateFiles.untrustedDirectory(dir);
    }

    private static CliException held(Path file) {
        return new CliException(ExitCodes.FAILURE, "another process has held " + file + " for " + WAIT.toSeconds()
                + "s (a postern command still waiting for its certificate, or one that hangs); try again, and if it"
                + " stays, see who holds it with 'fuser -v " + file + "' or remove the file");
    }

    @Override
    public void close() {
        try {
            closeQuietly(channel); // releases the file lock
        } finally {
            local.unlock();
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing a lock file we only locked: nothing was written to lose
            }
        }
    }
}

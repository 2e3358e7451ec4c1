package dev.postern.cli.connect;

import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.client.PrivateFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The exclusive lock around issuing and writing a kept identity ({@code id_<context>_<org>.lock} beside the key), so
 * that two commands started at the same moment (two consoles, a console and {@code ssh sftp get} or
 * {@code ssh config --write}) never each write a key and a certificate and leave one's key beside the other's
 * certificate. The one that waited reads the pair again and uses the new one instead of issuing its own.
 *
 * <p>An OS file lock ({@code fcntl}) is held per process, and the JVM refuses a second lock on the same file from
 * another thread of it, so threads of one JVM (tests, {@code postern demo}) also queue on an in-process lock per file.
 * Either is released when its holder ends, even by a crash: no stale lock to clean up.
 *
 * <pre>{@code try (KeptLock lock = KeptLock.take(kept.key())) { ... read again, issue, write ... }}</pre>
 */
final class KeptLock implements AutoCloseable {
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

    /** Waits for and takes the lock of the kept identity {@code key}; creates its directory (0700) when missing. */
    static KeptLock take(Path key) {
        Path file = file(key).toAbsolutePath().normalize();
        ReentrantLock local = IN_PROCESS.computeIfAbsent(file, f -> new ReentrantLock());
        local.lock();
        FileChannel channel = null;
        try {
            PrivateFiles.createDirectory(file.getParent());
            channel = PrivateFiles.openLock(file);
            channel.lock();
            return new KeptLock(local, channel);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            local.unlock();
            throw new CliException(ExitCodes.FAILURE, "cannot lock " + file + " (" + e.getMessage() + "); check that "
                    + file.getParent() + " is your own directory, or remove the file", e);
        }
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

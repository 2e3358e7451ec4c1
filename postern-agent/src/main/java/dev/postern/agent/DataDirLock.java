package dev.postern.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exclusive lock on an agent's {@code --data} directory ({@code DIR/agent.lock}), held for the life of the
 * agent. Two agents on one directory would share one host key and one machine identity and push each other's
 * tunnel off the gateway forever; the second one is stopped at start instead, with a message naming the
 * directory and the fix. The kernel drops the lock when the process dies, however it dies, so a crashed agent
 * never leaves a stale lock behind; the file itself stays (removing it would let two agents lock two files).
 *
 * <pre>{@code
 * try (DataDirLock lock = DataDirLock.acquire(Path.of("/var/lib/postern"))) { ... }
 * }</pre>
 */
public final class DataDirLock implements AutoCloseable {
    static final String FILE = "agent.lock";
    /*
     * Directories locked by this JVM. The kernel's lock belongs to the process, and closing any descriptor of
     * the file drops it, so a second agent in the same JVM must be stopped before it opens the file at all.
     * That is process-wide by nature, hence this one static set.
     */
    private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();

    private final Path dataDir;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(Path dataDir, FileChannel channel, FileLock lock) {
        this.dataDir = dataDir;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code dataDir}, creating it (mode 0700) when missing.
     *
     * @throws InUseException when another agent holds the lock
     * @throws IllegalArgumentException when {@code dataDir} is not a directory
     * @throws IOException when the directory or the lock file cannot be created or opened
     */
    public static DataDirLock acquire(Path dataDir) throws IOException {
        Path dir = dataDir.toAbsolutePath().normalize();
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--data " + dataDir + " is not a directory; pass a directory the"
                    + " agent may keep its host key in");
        }
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        dir = dir.toRealPath();
        // it holds the user CA file and the machine identity: whoever may write in it owns the machine
        StrictModes.checkDirectory(dir, "--data");
        if (!HELD_HERE.add(dir)) {
            throw new InUseException(dir, String.valueOf(ProcessHandle.current().pid()));
        }
        try {
            return lock(dir);
        } catch (IOException | RuntimeException e) {
            HELD_HERE.remove(dir);
            throw e;
        }
    }

    private static DataDirLock lock(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        // no symlink: whoever could plant one in the data directory must not make the agent write elsewhere
        FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // another agent in this very JVM holds it
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            String holder = holder(channel);
            channel.close();
            throw new InUseException(dir, holder);
        }
        // the holder's pid, for the message the next agent on this directory prints
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        channel.force(false);
        return new DataDirLock(dir, channel, lock);
    }

    // Read through the channel that stays open until the caller gives up: opening and closing another
    // descriptor of the file would drop every POSIX lock this process holds on it.
    private static String holder(FileChannel channel) {
        try {
            ByteBuffer buf = ByteBuffer.allocate(32);
            channel.read(buf, 0);
            String pid = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).trim();
            return pid.matches("\\d{1,10}") ? pid : null;
        } catch (IOException e) {
            return null;
        }
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Releases the lock; the next agent on this directory may start. */
    @Override
    public void close() throws IOException {
        if (!channel.isOpen()) {
            return;
        }
        try {
            lock.release();
        } finally {
            channel.close();
            HELD_HERE.remove(dataDir);
        }
    }

    /** Another agent holds the lock on the data directory. */
    public static final class InUseException extends IllegalStateException {
        InUseException(Path dataDir, String holderPid) {
            super("--data " + dataDir + " is in use by another postern agent"
                    + (holderPid == null ? "" : " (pid " + holderPid + ")")
                    + "; two agents on one data directory would share its host key and identity. Stop the other"
                    + " agent, or give this one its own --data directory");
        }
    }
}

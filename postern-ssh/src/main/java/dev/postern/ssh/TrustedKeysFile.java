package dev.postern.ssh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trusted CA public keys (sshd's {@code TrustedUserCAKeys}) backed by a file, re-read when it changes, so that a
 * CA replaced by the control plane is trusted, and the old one no longer, without a restart. The new content
 * replaces the old set: it is never merged. {@link #get()} looks at the file's size and modification time at
 * most once per {@link #CHECK_INTERVAL}. A file that goes missing, becomes unreadable, garbled or empty after a
 * good read keeps the last good set (and logs once per change), so a half-written update locks nobody out.
 *
 * <pre>{@code
 * TrustPolicy.of(TrustedKeysFile.required(Path.of("/var/lib/postern/user_ca.pub"), clock), revocations, clock);
 * }</pre>
 */
public final class TrustedKeysFile implements Supplier<List<PublicKey>> {
    /** How often the file is looked at. */
    public static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(TrustedKeysFile.class);

    private final Path path;
    private final Clock clock;
    private final Object lock = new Object();
    private volatile List<PublicKey> current;
    private volatile Instant nextCheck;
    private FileTime seenModified;
    private long seenSize;
    private String lastProblem;

    private TrustedKeysFile(Path path, Clock clock, List<PublicKey> initial, BasicFileAttributes attrs) {
        this.path = path;
        this.clock = clock;
        this.current = initial;
        this.seenModified = attrs.lastModifiedTime();
        this.seenSize = attrs.size();
        this.nextCheck = clock.instant().plus(CHECK_INTERVAL);
    }

    /**
     * Opens a key file that must exist and hold at least one key now.
     *
     * @throws IllegalArgumentException naming the path when it is missing, unreadable, malformed or empty
     */
    public static TrustedKeysFile required(Path path, Clock clock) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(clock, "clock");
        try {
            BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class);
            return new TrustedKeysFile(path, clock, read(path), attrs);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the trusted CA keys " + path + ": " + e, e);
        }
    }

    public Path path() {
        return path;
    }

    @Override
    public List<PublicKey> get() {
        Instant now = clock.instant();
        if (now.isBefore(nextCheck)) {
            return current;
        }
        synchronized (lock) {
            if (now.isBefore(nextCheck)) {
                return current;
            }
            refresh();
            nextCheck = now.plus(CHECK_INTERVAL);
            return current;
        }
    }

    private void refresh() {
        try {
            BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class);
            if (attrs.lastModifiedTime().equals(seenModified) && attrs.size() == seenSize) {
                return;
            }
            List<PublicKey> keys = read(path);
            current = keys;
            seenModified = attrs.lastModifiedTime();
            seenSize = attrs.size();
            lastProblem = null;
            LOG.info("trusted CA keys {} reloaded: {} key(s)", path, keys.size());
        } catch (IOException | RuntimeException e) {
            String message = "cannot reload the trusted CA keys " + path + " (" + e.getMessage()
                    + "); keeping the last good ones";
            if (!message.equals(lastProblem)) {
                LOG.warn(message);
                lastProblem = message;
            }
        }
    }

    private static List<PublicKey> read(Path path) throws IOException {
        List<PublicKey> keys = OpenSshKeys.readPublicKeys(path);
        if (keys.isEmpty()) {
            throw new IllegalArgumentException(path + " holds no public key; put the org's user CA public key"
                    + " line in it");
        }
        return keys;
    }
}

package dev.postern.ssh;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Trusted CA public keys (sshd's {@code TrustedUserCAKeys}) backed by a file, re-read when it changes, so that a
 * CA replaced by the control plane or the operator is trusted, and the old one no longer, without a restart. The
 * new content replaces the old set: it is never merged. A file that goes missing, becomes unreadable, garbled,
 * empty or refused by the guard after a good read keeps the last good set (and logs once per change), so a
 * half-written update locks nobody out (see {@link WatchedFile}). A file cut after a line is fewer CAs, whose
 * logins would end: a change is read only once it stayed the same for a whole check.
 *
 * <pre>{@code
 * TrustPolicy.of(TrustedKeysFile.required(Path.of("/var/lib/postern/user_ca.pub"), clock), revocations, clock);
 * }</pre>
 */
public final class TrustedKeysFile implements Supplier<List<PublicKey>> {
    /** How often the file is looked at. */
    public static final Duration CHECK_INTERVAL = WatchedFile.CHECK_INTERVAL;
    private static final WatchedFile.Format<List<PublicKey>> FORMAT = new WatchedFile.Format<>("trusted CA keys",
            TrustedKeysFile::read, keys -> keys.size() + " key(s)", true);

    private final WatchedFile<List<PublicKey>> file;

    private TrustedKeysFile(WatchedFile<List<PublicKey>> file) {
        this.file = file;
    }

    /**
     * Opens a key file that must exist and hold at least one key now.
     *
     * @throws IllegalArgumentException naming the path when it is missing, unreadable, malformed or empty
     */
    public static TrustedKeysFile required(Path path, Clock clock) {
        return required(path, clock, WatchedFile.Guard.NONE);
    }

    /**
     * As {@link #required(Path, Clock)}, with {@code guard} (e.g. StrictModes) run at start and before every
     * re-read; its {@link IllegalArgumentException} at start is thrown as is.
     */
    public static TrustedKeysFile required(Path path, Clock clock, WatchedFile.Guard guard) {
        try {
            return new TrustedKeysFile(WatchedFile.open(FORMAT, path, clock, guard));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the trusted CA keys " + path + ": " + e, e);
        }
    }

    public Path path() {
        return file.path();
    }

    @Override
    public List<PublicKey> get() {
        return file.get();
    }

    private static List<PublicKey> read(Path path) throws IOException {
        List<PublicKey> keys;
        try {
            keys = OpenSshKeys.readPublicKeys(path);
        } catch (IllegalArgumentException e) {
            // the reader's message already names the file
            throw new IllegalArgumentException(e.getMessage() + "; put only the user CA's public key lines"
                    + " ('ssh-ed25519 AAAA... comment') in it", e);
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException(path + " holds no public key; put the org's user CA public key"
                    + " line in it");
        }
        return keys;
    }
}

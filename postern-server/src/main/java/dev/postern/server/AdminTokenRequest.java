package dev.postern.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.postern.ca.KeySealer;
import dev.postern.ca.SealException;
import dev.postern.common.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;

/**
 * A recovery login token waiting in the data dir for a server that holds its embedded H2 database open (H2 lets
 * one process in; opening it with AUTO_SERVER would put a database port on the network). The file holds only the
 * token's SHA-256, the e-mail it is for and its expiry, sealed with the master key (AES-GCM), so only someone who
 * holds the master key can make one, and a copy of the file logs nobody in. A newer request replaces an older
 * one. The server takes it into the store at the first login that presents the token ({@link #take}).
 *
 * @param email     whose login it is; null for the server admin
 */
record AdminTokenRequest(String tokenHash, String email, Instant expiresAt) {
    static final String FILE = "admin-token-request";
    private static final String CONTEXT = "postern admin-token request v1";
    private static final ObjectMapper JSON = Json.mapper();

    /** Writes the request, sealed, 0600 from its first byte, replacing any older one atomically. */
    void write(Path dataDir, KeySealer sealer) {
        try {
            byte[] sealed = sealer.seal(JSON.writeValueAsBytes(this), CONTEXT);
            Path tmp = Files.createTempFile(dataDir, ".admin-token", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.write(tmp, sealed);
                try {
                    Files.move(tmp, dataDir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, dataDir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dataDir.resolve(FILE) + ": " + e.getMessage()
                    + "; run this as the user the server runs as", e);
        }
    }

    /**
     * The pending request if there is one and it opens with this master key; a request that does not open
     * (another key, tampered) is deleted and reported as empty.
     */
    static Optional<AdminTokenRequest> read(Path dataDir, KeySealer sealer) {
        Path file = dataDir.resolve(FILE);
        byte[] sealed;
        try {
            sealed = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            return Optional.of(JSON.readValue(sealer.open(sealed, CONTEXT), AdminTokenRequest.class));
        } catch (SealException | IOException e) {
            delete(dataDir);
            throw new IllegalStateException(file + " was not sealed with this server's master key; deleted it", e);
        }
    }

    static void delete(Path dataDir) {
        try {
            Files.deleteIfExists(dataDir.resolve(FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dataDir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }

    boolean matches(String presentedHash, Instant now) {
        return tokenHash.equals(presentedHash) && now.isBefore(expiresAt);
    }
}

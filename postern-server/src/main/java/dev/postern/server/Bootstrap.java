package dev.postern.server;

import dev.postern.store.ApiToken;
import dev.postern.store.Person;
import dev.postern.store.Store;
import dev.postern.store.TokenKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** First start: creates the first admin and a one-time token for them, also written 0600 to the data dir. */
final class Bootstrap {
    static final String ADMIN_SETTING = "admin-person-id";
    static final String TOKEN_FILE = "bootstrap-token";
    static final Duration TOKEN_TTL = Duration.ofDays(7);
    private final Store store;
    private final Clock clock;
    private final Secrets secrets;

    /** The server admin, and the bootstrap token when this start created it. */
    record Result(long adminPersonId, Optional<String> token) {
    }

    Bootstrap(Store store, Clock clock, Secrets secrets) {
        this.store = store;
        this.clock = clock;
        this.secrets = secrets;
    }

    Result run(String email, Path dataDir) {
        Optional<byte[]> existing = store.settings().get(ADMIN_SETTING);
        if (existing.isPresent()) {
            forgetIfSpent(store, dataDir);
            return new Result(Long.parseLong(new String(existing.get(), StandardCharsets.US_ASCII)), Optional.empty());
        }
        String token = secrets.newToken();
        Instant now = clock.instant();
        long adminId = store.inTransaction(tx -> {
            Person admin = tx.people().getOrCreate(email, now);
            tx.tokens().create(new ApiToken(Secrets.hash(token), admin.id(), TokenKind.INVITE, now, now.plus(TOKEN_TTL),
                    null));
            tx.settings().putIfAbsent(ADMIN_SETTING, Long.toString(admin.id()).getBytes(StandardCharsets.US_ASCII));
            return admin.id();
        });
        writePrivate(dataDir.resolve(TOKEN_FILE), token + "\n");
        return new Result(adminId, Optional.of(token));
    }

    /**
     * Deletes the bootstrap token file once its token was used (by the login that used it): a used token is no
     * secret any more, but a file named like one invites copying it around.
     */
    static void forgetIfUsed(Path dataDir, String usedTokenHash) {
        Path file = dataDir.resolve(TOKEN_FILE);
        try {
            if (Files.exists(file) && Secrets.hash(Files.readString(file).strip()).equals(usedTokenHash)) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the used " + file + ": " + e.getMessage(), e);
        }
    }

    /** At a later start: deletes a bootstrap token file whose token was used or is unknown (a crash in between). */
    private static void forgetIfSpent(Store store, Path dataDir) {
        Path file = dataDir.resolve(TOKEN_FILE);
        try {
            if (Files.exists(file)) {
                String hash = Secrets.hash(Files.readString(file).strip());
                if (store.tokens().byHash(hash).map(t -> t.usedAt() != null).orElse(true)) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the used " + file + ": " + e.getMessage(), e);
        }
    }

    private static void writePrivate(Path file, String text) {
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, text, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}

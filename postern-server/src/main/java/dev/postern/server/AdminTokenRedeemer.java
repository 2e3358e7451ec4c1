package dev.postern.server;

import dev.postern.ca.KeySealer;
import dev.postern.store.ApiToken;
import dev.postern.store.Person;
import dev.postern.store.Store;
import dev.postern.store.TokenKind;
import io.javalin.http.Context;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At a login, turns a pending {@link AdminTokenRequest} whose token is the one presented into a one-time token in
 * the store, audited, and deletes the request file. Costs one {@code stat} when there is no request.
 */
final class AdminTokenRedeemer {
    private static final Logger LOG = LoggerFactory.getLogger(AdminTokenRedeemer.class);
    private final Store store;
    private final KeySealer sealer;
    private final Path dataDir;
    private final AuditTrail audit;
    private final Clock clock;
    private final long serverAdminId;

    AdminTokenRedeemer(Store store, KeySealer sealer, Path dataDir, AuditTrail audit, Clock clock, long serverAdminId) {
        this.store = store;
        this.sealer = sealer;
        this.dataDir = dataDir;
        this.audit = audit;
        this.clock = clock;
        this.serverAdminId = serverAdminId;
    }

    /** Called before the login reads its token; does nothing unless a request waits for exactly this token. */
    synchronized void redeem(Context ctx) {
        if (!java.nio.file.Files.exists(dataDir.resolve(AdminTokenRequest.FILE))) {
            return;
        }
        String header = ctx.header("Authorization");
        if (header == null || !header.startsWith("Bearer ")) {
            return;
        }
        String hash = Secrets.hash(header.substring("Bearer ".length()).trim());
        Optional<AdminTokenRequest> pending;
        try {
            pending = AdminTokenRequest.read(dataDir, sealer);
        } catch (IllegalStateException e) {
            LOG.warn("{}", e.getMessage());
            return;
        }
        Instant now = clock.instant();
        if (pending.isEmpty() || !pending.get().tokenHash().equals(hash)) {
            return;
        }
        AdminTokenRequest request = pending.get();
        AdminTokenRequest.delete(dataDir);
        if (!request.matches(hash, now)) {
            LOG.warn("an admin token from 'postern server admin-token' was presented after it expired at {}",
                    request.expiresAt());
            return;
        }
        store.inTransaction(tx -> {
            Person person = request.email() == null ? tx.people().byId(serverAdminId).orElseThrow()
                    : tx.people().byEmail(request.email()).orElse(null);
            if (person == null) {
                LOG.warn("admin token for {} refused: no such person", request.email());
                return null;
            }
            tx.tokens().create(new ApiToken(hash, person.id(), TokenKind.INVITE, now, request.expiresAt(), null));
            audit.record(tx, new Caller(person, hash, ctx.ip()), "server-host", null, "admin-token.issue",
                    person.email(), "one-time login token from 'postern server admin-token' (data dir), expires "
                            + request.expiresAt());
            return null;
        });
    }
}

package dev.postern.server;

import dev.postern.ca.KeySealer;
import dev.postern.ca.MasterKey;
import dev.postern.ca.SealException;
import dev.postern.store.ApiToken;
import dev.postern.store.AuditEvent;
import dev.postern.store.JdbcStore;
import dev.postern.store.Person;
import dev.postern.store.Store;
import dev.postern.store.StoreConfig;
import dev.postern.store.TokenKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Recovery on the server host: a fresh one-time login token for the server admin (or a person named by
 * e-mail), for when nobody can log in any more. Needs the data dir and the master key, which is what makes it
 * safe: whoever holds them holds every CA key already.
 *
 * <p>With PostgreSQL the token is written to the store at once (audited), while the server runs or not. With
 * the embedded H2 database, which the running server holds open, it is left sealed in the data dir
 * ({@link AdminTokenRequest}) and the server takes it in, audited, at the first login that presents it.
 *
 * <pre>{@code AdminTokens.Issued t = AdminTokens.issue(Path.of("/var/lib/postern"), null, null, null, clock);}</pre>
 */
public final class AdminTokens {
    /** How long a recovery token may wait for its login. */
    public static final Duration TTL = Duration.ofHours(1);

    private AdminTokens() {
    }

    /**
     * A token made by {@link #issue}.
     *
     * @param email   whose login it is; null when it waits in the data dir for the server admin
     * @param pending true when the server takes it in at the first login (embedded H2)
     */
    public record Issued(String token, String email, Instant expiresAt, boolean pending) {
        @Override
        public String toString() {
            return "Issued[email=" + email + ", expiresAt=" + expiresAt + ", pending=" + pending + ", token=<hidden>]";
        }
    }

    /**
     * @param jdbcUrl      null for the embedded H2 database in {@code dataDir}
     * @param masterKeyEnv POSTERN_MASTER_KEY's value, or null for {@code <dataDir>/master.key}
     * @param email        whose login; null for the server admin
     * @throws IllegalArgumentException naming what is wrong (no data dir, no master key, unknown person)
     */
    public static Issued issue(Path dataDir, String jdbcUrl, String masterKeyEnv, String email, Clock clock) {
        if (!Files.isDirectory(dataDir)) {
            throw new IllegalArgumentException("--data " + dataDir + " is not a directory; give the server's data"
                    + " dir (default ~/.postern/server)");
        }
        if (jdbcUrl == null && !Files.exists(dataDir.resolve("postern.mv.db"))) {
            throw new IllegalArgumentException("--data " + dataDir + " holds no embedded database (postern.mv.db);"
                    + " give the server's data dir, and --db URL if it keeps its state in PostgreSQL");
        }
        Path keyFile = dataDir.resolve("master.key");
        if (masterKeyEnv == null && !Files.exists(keyFile)) {
            throw new IllegalArgumentException("no master key: " + keyFile + " does not exist and "
                    + MasterKey.ENV_VARIABLE + " is not set; run this where the server's key is");
        }
        KeySealer sealer = new KeySealer(MasterKey.loadOrCreate(keyFile, masterKeyEnv));
        String normal = email == null ? null : Emails.normalize(email);
        String token = new Secrets().newToken();
        Instant now = clock.instant();
        Instant expires = now.plus(TTL);
        if (jdbcUrl == null || jdbcUrl.startsWith("jdbc:h2:")) {
            new AdminTokenRequest(Secrets.hash(token), normal, expires).write(dataDir, sealer);
            return new Issued(token, normal, expires, true);
        }
        try (Store store = JdbcStore.open(StoreConfig.parse(jdbcUrl).withMaxPoolSize(2))) {
            checkMasterKey(store, sealer);
            Person person = store.inTransaction(tx -> {
                Person p = normal == null ? serverAdmin(tx) : tx.people().byEmail(normal).orElseThrow(() ->
                        new IllegalArgumentException("--email " + normal + " has no login on this server; leave"
                                + " --email out for the server admin"));
                tx.tokens().create(new ApiToken(Secrets.hash(token), p.id(), TokenKind.INVITE, now, expires, null));
                tx.audit().append(new AuditEvent(0, now, "server-host", null, "admin-token.issue", p.email(),
                        "local", "one-time login token from 'postern server admin-token', expires " + expires));
                return p;
            });
            return new Issued(token, person.email(), expires, false);
        }
    }

    private static Person serverAdmin(Store tx) {
        long id = tx.settings().get(Bootstrap.ADMIN_SETTING)
                .map(b -> Long.parseLong(new String(b, StandardCharsets.US_ASCII)))
                .orElseThrow(() -> new IllegalArgumentException("this database has no server admin yet; start"
                        + " 'postern server' once, it prints the bootstrap token"));
        return tx.people().byId(id).orElseThrow();
    }

    private static void checkMasterKey(Store store, KeySealer sealer) {
        byte[] check = store.settings().get(ControlPlane.MASTER_KEY_CHECK).orElseThrow(() ->
                new IllegalArgumentException("this database was never used by a Postern server; check --db"));
        try {
            sealer.open(check, ControlPlane.MASTER_KEY_CHECK);
        } catch (SealException e) {
            throw new IllegalArgumentException("wrong master key for this database (check " + MasterKey.ENV_VARIABLE
                    + " or --data); nothing was changed", e);
        }
    }
}

package dev.postern.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postern.common.api.AddMemberRequest;
import dev.postern.common.api.CreateAppRequest;
import dev.postern.common.api.CreateOrgRequest;
import dev.postern.common.api.GrantAccessRequest;
import dev.postern.common.api.EstablishRequest;
import dev.postern.common.api.IssueRequest;
import dev.postern.common.api.SetMemberRequest;
import dev.postern.store.StoreConfig;
import dev.postern.testing.MutableClock;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member asks for a certificate while an admin removes them, or renames their login so that the old name can
 * go to someone else. Removing and renaming revoke the member's certificates; a certificate whose issuance read
 * the membership before the change and was committed by the certificate log after it was missed, and the member
 * walked away with a valid certificate for a login no longer theirs. Now it is refused (or revoked). On
 * PostgreSQL the test holds the member's {@code people} row (which the log's insert must key-share), so the
 * issuance is stuck exactly between its read and its commit while the admin acts: the interleaving a member
 * gets by spamming issue requests.
 */
class MembershipChangeRaceIT {
    @TempDir
    Path dir;
    private final MutableClock clock = MutableClock.atWallTime();
    private Databases db;
    private ControlPlane cp;
    private Http http;
    private String boss;
    private String bob;

    @BeforeEach
    void start() {
        db = Databases.of("pg");
        cp = ControlPlane.start(new ControlPlaneConfig(dir.resolve("data"), db.jdbcUrl(), "127.0.0.1", 0, clock, null,
                "boss@example.com"));
        http = new Http(cp.baseUrl());
        boss = http.post("/v1/auth/login", cp.bootstrapToken().orElseThrow(), null).json().get("token").asText();
        assertThat(http.post("/v1/orgs", boss, new CreateOrgRequest("acme")).status()).isEqualTo(201);
        assertThat(http.post("/v1/orgs/acme/ca", boss, new EstablishRequest(false)).status()).isEqualTo(201);
        Http.Reply add = http.post("/v1/orgs/acme/members", boss, new AddMemberRequest("bob@example.com", "member",
                "bob"));
        assertThat(add.status()).as(add.text()).isEqualTo(201);
        // members are issued certificates only for apps they are granted
        assertThat(http.post("/v1/orgs/acme/apps", boss, new CreateAppRequest("web")).status()).isEqualTo(201);
        Http.Reply grant = http.post("/v1/orgs/acme/apps/web/access", boss, new GrantAccessRequest("bob@example.com",
                List.of("bob")));
        assertThat(grant.status()).as(grant.text()).isEqualTo(200);
        bob = http.post("/v1/auth/login", add.json().get("inviteToken").asText(), null).json().get("token").asText();
    }

    @AfterEach
    void stop() {
        if (cp != null) {
            cp.close();
        }
        db.close();
    }

    @Test
    void aCertificateIssuedWhileTheMemberIsRemovedIsRevoked() throws Exception {
        raceWith(() -> http.delete("/v1/orgs/acme/members/bob@example.com", boss), 200);
    }

    @Test
    void aCertificateIssuedWhileTheLoginIsRenamedIsRevoked() throws Exception {
        raceWith(() -> http.patch("/v1/orgs/acme/members/bob@example.com", boss, new SetMemberRequest("robert")), 200);
    }

    private void raceWith(java.util.function.Supplier<Http.Reply> adminAction, int adminStatus) throws Exception {
        String key = publicKey();
        StoreConfig pg = StoreConfig.parse(db.jdbcUrl());
        CompletableFuture<Http.Reply> issued;
        try (Connection hold = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password())) {
            hold.setAutoCommit(false);
            query(hold, "SELECT id FROM people WHERE email = 'bob@example.com' FOR UPDATE", rs -> null);
            issued = CompletableFuture.supplyAsync(() -> http.post("/v1/orgs/acme/certificates", bob,
                    new IssueRequest(null, key, null, 1)));
            awaitLockWaiter(pg);
            Http.Reply admin = adminAction.get();
            assertThat(admin.status()).as(admin.text()).isEqualTo(adminStatus);
            hold.rollback();
        }
        Http.Reply r = issued.get();
        if (r.status() != 201) {
            assertThat(r.status()).as(r.text()).isEqualTo(409);
            return; // refusing the issuance is as good as revoking it
        }
        long serial = r.json().get("log").get("serial").asLong();
        JsonNode revoked = http.get("/v1/orgs/acme/revocations", boss).json();
        assertThat(revoked.findValuesAsText("serial")).as("certificate %d for login 'bob' issued across the change"
                + " must be revoked; revoked: %s", serial, revoked).contains(Long.toString(serial));
    }

    /** Waits (bounded) until a backend of the test's database waits for a lock: the log's insert. */
    private static void awaitLockWaiter(StoreConfig pg) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password())) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                if (query(c, "SELECT count(*) FROM pg_locks WHERE NOT granted", rs -> rs.getLong(1)) > 0) {
                    return;
                }
                Thread.onSpinWait();
            }
            throw new AssertionError("the issuance never reached the certificate log's commit within 30 s");
        }
    }

    private static <T> T query(Connection c, String sql, SqlFunction<T> read) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? read.apply(rs) : null;
        }
    }

    @FunctionalInterface
    private interface SqlFunction<T> {
        T apply(ResultSet rs) throws Exception;
    }

    private String publicKey() throws Exception {
        Path key = dir.resolve("bob");
        ProcessResult r = Processes.run(Duration.ofSeconds(20),
                List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return Files.readString(Path.of(key + ".pub")).strip();
    }
}

package dev.postern.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.common.api.AddMemberRequest;
import dev.postern.common.api.CreateOrgRequest;
import dev.postern.store.StoreConfig;
import dev.postern.testing.MutableClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two owners of an org remove each other at the same moment. Each removal counted the owners (two), so
 * both went through and the org was left with no owner: no one could ever add an owner, or change or remove
 * an admin's peers that only owners may touch. On PostgreSQL the test holds the audit table so both removals
 * stop after their checks, then lets them commit.
 */
class LastOwnerRaceIT {
    @TempDir
    Path dir;
    private final MutableClock clock = MutableClock.atWallTime();
    private Databases db;
    private ControlPlane cp;
    private Http http;

    @BeforeEach
    void start() {
        db = Databases.of("pg");
        cp = ControlPlane.start(new ControlPlaneConfig(dir.resolve("data"), db.jdbcUrl(), "127.0.0.1", 0, clock, null,
                "boss@example.com"));
        http = new Http(cp.baseUrl());
    }

    @AfterEach
    void stop() {
        if (cp != null) {
            cp.close();
        }
        db.close();
    }

    @Test
    void twoOwnersRemovingEachOtherAtOnceLeaveOneOwner() throws Exception {
        String boss = http.post("/v1/auth/login", cp.bootstrapToken().orElseThrow(), null).json().get("token")
                .asText();
        assertThat(http.post("/v1/orgs", boss, new CreateOrgRequest("acme")).status()).isEqualTo(201);
        Http.Reply add = http.post("/v1/orgs/acme/members", boss, new AddMemberRequest("kim@example.com", "owner",
                "kim"));
        assertThat(add.status()).as(add.text()).isEqualTo(201);
        String kim = http.post("/v1/auth/login", add.json().get("inviteToken").asText(), null).json().get("token")
                .asText();

        StoreConfig pg = StoreConfig.parse(db.jdbcUrl());
        CompletableFuture<Http.Reply> bossRemovesKim;
        CompletableFuture<Http.Reply> kimRemovesBoss;
        try (Connection hold = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password())) {
            hold.setAutoCommit(false);
            try (Statement s = hold.createStatement()) {
                s.execute("LOCK TABLE audit_events IN EXCLUSIVE MODE");
            }
            bossRemovesKim = CompletableFuture.supplyAsync(() -> http.delete("/v1/orgs/acme/members/kim@example.com",
                    boss));
            kimRemovesBoss = CompletableFuture.supplyAsync(() -> http.delete("/v1/orgs/acme/members/boss@example.com",
                    kim));
            awaitLockWaiters(pg, 2);
            hold.rollback();
        }
        List<Integer> statuses = List.of(bossRemovesKim.get().status(), kimRemovesBoss.get().status());
        assertThat(statuses).as("one removal goes through, the other is the last owner's").containsExactlyInAnyOrder(
                200, 409);
    }

    /** Waits (bounded) until {@code n} backends wait for a lock. */
    private static void awaitLockWaiters(StoreConfig pg, int n) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
             Statement s = c.createStatement()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = s.executeQuery("SELECT count(DISTINCT pid) FROM pg_locks WHERE NOT granted")) {
                    if (rs.next() && rs.getLong(1) >= n) {
                        return;
                    }
                }
                Thread.onSpinWait();
            }
            throw new AssertionError(n + " removals did not both reach their commit within 30 s");
        }
    }
}

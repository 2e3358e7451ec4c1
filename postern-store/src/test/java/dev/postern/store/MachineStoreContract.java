package dev.postern.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postern.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The machine and join-token part of the store contract; mixed into each database's suite. */
interface MachineStoreContract {
    Store store();

    MutableClock clock();

    private App app(String org, String app) {
        Instant now = clock().instant();
        Org o = store().orgs().create(org, now);
        return store().apps().create(o.id(), app, now);
    }

    @Test
    default void joinTokenIsUsedExactlyItsNumberOfTimesEvenUnderRace() throws Exception {
        App app = app("acme", "web");
        Instant now = clock().instant();
        store().machines().createJoinToken(new JoinToken("h1", app.orgId(), app.id(), 3, now.plusSeconds(3600),
                "boss@example.com", now));
        assertThat(store().machines().joinToken("h1")).get().extracting(JoinToken::usesLeft).isEqualTo(3);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Callable<Boolean> use = () -> store().machines().consumeJoinToken("h1", now);
                results.add(pool.submit(use));
            }
            int won = 0;
            for (Future<Boolean> f : results) {
                won += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(won).isEqualTo(3);
        } finally {
            pool.shutdownNow();
        }
        assertThat(store().machines().joinToken("h1")).get().extracting(JoinToken::usesLeft).isEqualTo(0);
        assertThat(store().machines().consumeJoinToken("unknown", now)).isFalse();
    }

    @Test
    default void expiredJoinTokenCannotBeUsed() {
        App app = app("acme", "web");
        Instant now = clock().instant();
        store().machines().createJoinToken(new JoinToken("h2", app.orgId(), app.id(), 5, now.plusSeconds(60),
                "boss@example.com", now));
        assertThat(store().machines().consumeJoinToken("h2", now.plusSeconds(61))).isFalse();
        assertThat(store().machines().consumeJoinToken("h2", now.plusSeconds(59))).isTrue();
    }

    @Test
    default void deletingAPersonsJoinTokensLeavesOtherPeoplesAndOtherOrgs() {
        App acme = app("acme", "web");
        App other = app("other", "web");
        Instant now = clock().instant();
        Instant later = now.plusSeconds(3600);
        String carol = "carol@x.example";
        store().machines().createJoinToken(new JoinToken("c1", acme.orgId(), acme.id(), 5, later, carol, now));
        store().machines().createJoinToken(new JoinToken("c2", acme.orgId(), acme.id(), 5, later, carol, now));
        store().machines().createJoinToken(new JoinToken("b1", acme.orgId(), acme.id(), 5, later, "boss@x.example",
                now));
        store().machines().createJoinToken(new JoinToken("c3", other.orgId(), other.id(), 5, later, carol, now));

        assertThat(store().machines().deleteJoinTokens(acme.orgId(), carol)).isEqualTo(2);
        assertThat(store().machines().consumeJoinToken("c1", now)).isFalse();
        assertThat(store().machines().consumeJoinToken("c2", now)).isFalse();
        assertThat(store().machines().consumeJoinToken("b1", now)).isTrue();
        assertThat(store().machines().consumeJoinToken("c3", now)).as("another org's").isTrue();
    }

    @Test
    default void machinesAreListedPerAppAndTrackOnlineState() {
        App web = app("acme", "web");
        App db = store().apps().create(web.orgId(), "db", clock().instant());
        Instant t0 = clock().instant();
        store().machines().create(new Machine("b2", web.orgId(), web.id(), "local", "fd00::2", "SHA256:b", t0, t0,
                false));
        store().machines().create(new Machine("a1", web.orgId(), web.id(), "local", "fd00::1", "SHA256:a", t0, t0,
                false));
        store().machines().create(new Machine("c3", db.orgId(), db.id(), "other", "fd00::3", "SHA256:c", t0, t0,
                false));
        assertThatThrownBy(() -> store().machines().create(new Machine("a1", web.orgId(), web.id(), "local", "fd00::9",
                "SHA256:x", t0, t0, false))).isInstanceOf(ConflictException.class).hasMessageContaining("a1");
        assertThat(store().machines().forApp(web.id())).extracting(Machine::id).containsExactly("a1", "b2");
        Instant t1 = t0.plus(Duration.ofMinutes(5));
        assertThat(store().machines().setOnline("a1", true, t1)).isTrue();
        assertThat(store().machines().setOnline("zz", true, t1)).isFalse();
        Machine a1 = store().machines().byId("a1").orElseThrow();
        assertThat(a1.online()).isTrue();
        assertThat(a1.lastSeen()).isEqualTo(t1);
        assertThat(a1.address()).isEqualTo("fd00::1");
        assertThat(store().machines().byId("nope")).isEmpty();

        Instant t2 = t1.plusSeconds(60);
        assertThat(store().machines().setAllOffline(t2)).isEqualTo(1);
        assertThat(store().machines().byId("a1").orElseThrow().online()).isFalse();
        assertThat(store().machines().byId("a1").orElseThrow().lastSeen()).isEqualTo(t2);
        assertThat(store().machines().byId("b2").orElseThrow().lastSeen()).as("offline ones untouched").isEqualTo(t0);
    }

    @Test
    default void machineNumbersAreUniqueAndIncreasing() {
        long a = store().machines().nextMachineNumber();
        long b = store().machines().nextMachineNumber();
        assertThat(a).isPositive();
        assertThat(b).isGreaterThan(a);
    }
}

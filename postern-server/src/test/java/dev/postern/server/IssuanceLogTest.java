package dev.postern.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postern.common.Role;
import dev.postern.store.App;
import dev.postern.store.AuditEvent;
import dev.postern.store.IssuedCertificate;
import dev.postern.store.JdbcStore;
import dev.postern.store.Org;
import dev.postern.store.Person;
import dev.postern.store.StoreConfig;
import dev.postern.store.StoreException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Group commit of the certificate log against a real embedded H2 store. */
class IssuanceLogTest {
    private static final Instant AT = Instant.parse("2025-03-01T10:00:00Z");
    @TempDir
    Path dir;
    private JdbcStore store;
    private Org acme;
    private Person alice;
    private final ExecutorService pool = Executors.newFixedThreadPool(16);

    @BeforeEach
    void open() {
        store = JdbcStore.open(StoreConfig.h2(dir));
        acme = store.orgs().create("acme", AT);
        alice = store.people().create("alice@example.com", AT);
        store.orgs().addMember(acme.id(), alice.id(), Role.MEMBER, "alice", AT);
    }

    @AfterEach
    void close() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(30, TimeUnit.SECONDS);
        store.close();
    }

    private static IssuanceLog.Entry entry(long serial, long orgId, long personId) {
        IssuedCertificate c = new IssuedCertificate(serial, orgId, personId, "key-" + serial, List.of("alice"),
                "SHA256:fp", AT.minusSeconds(60), AT.plusSeconds(3600), "alice@example.com", AT, null, null);
        return new IssuanceLog.Entry(c, new AuditEvent(0, AT, "alice@example.com", "acme", "certificate.issue",
                "key-" + serial, "127.0.0.1", "test"), "alice");
    }

    private List<Long> logged() {
        return store.certificates().forOrg(acme.id()).stream().map(IssuedCertificate::serial).toList();
    }

    @Test
    void concurrentAppendsGetDistinctSerialsAndAllAreInTheLogWithTheirAuditEvents() throws Exception {
        Serials serials = new Serials(store, 7); // a small block, so that threads cross block boundaries
        List<Future<List<Long>>> futures = new ArrayList<>();
        try (IssuanceLog log = new IssuanceLog(store)) {
            for (int t = 0; t < 16; t++) {
                futures.add(pool.submit(() -> {
                    List<Long> mine = new ArrayList<>();
                    for (int i = 0; i < 40; i++) {
                        long serial = serials.next();
                        log.append(entry(serial, acme.id(), alice.id()));
                        mine.add(serial); // acknowledged: append returned after the commit
                    }
                    return mine;
                }));
            }
            Set<Long> acknowledged = new HashSet<>();
            for (Future<List<Long>> f : futures) {
                acknowledged.addAll(f.get(60, TimeUnit.SECONDS));
            }
            assertThat(acknowledged).hasSize(640);
            assertThat(logged()).hasSize(640).containsExactlyInAnyOrderElementsOf(acknowledged);
            assertThat(store.audit().list("acme", 1000)).hasSize(640);
        }
    }

    /**
     * A member's certificate signed under a grant that was revoked (or narrowed) before the write is refused at the
     * commit, under the grant row's lock, so a revocation never misses a certificate being issued at that moment.
     */
    @Test
    void aMembersCertificateIsWrittenOnlyWhileItsGrantsStillAllowIt() {
        App web = store.apps().create(acme.id(), "web", AT);
        long[] s = store.certificates().nextSerials(3);
        try (IssuanceLog log = new IssuanceLog(store)) {
            IssuanceLog.Entry noGrant = granted(entry(s[0], acme.id(), alice.id()), web);
            assertThatThrownBy(() -> log.append(noGrant)).hasStackTraceContaining("access grants changed");
            store.accessGrants().put(acme.id(), web.id(), alice.id(), List.of("deploy"), "boss", AT);
            IssuanceLog.Entry narrowed = granted(entry(s[1], acme.id(), alice.id()), web);
            assertThatThrownBy(() -> log.append(narrowed)).as("the grant no longer gives 'alice'")
                    .hasStackTraceContaining("access grants changed");
            store.accessGrants().put(acme.id(), web.id(), alice.id(), List.of("alice"), "boss", AT);
            log.append(granted(entry(s[2], acme.id(), alice.id()), web));
        }
        assertThat(logged()).containsExactly(s[2]);
    }

    private static IssuanceLog.Entry granted(IssuanceLog.Entry e, App app) {
        return new IssuanceLog.Entry(e.certificate(), e.event(), e.login(), List.of(app.id()));
    }

    @Test
    void aBadEntryInABatchFailsAloneAndTheOthersAreRecorded() throws Exception {
        GatedStore gated = new GatedStore(store);
        long[] s = store.certificates().nextSerials(8);
        try (IssuanceLog log = new IssuanceLog(gated)) {
            Future<?> first = pool.submit(() -> log.append(entry(s[0], acme.id(), alice.id())));
            gated.awaitHeld(); // the writer holds the first entry; the next ones queue up into one batch
            List<Future<?>> good = new ArrayList<>();
            for (int i = 1; i < 7; i++) {
                long serial = s[i];
                good.add(pool.submit(() -> log.append(entry(serial, acme.id(), alice.id()))));
            }
            // no such org: the batch's transaction fails on this row
            Future<?> bad = pool.submit(() -> log.append(entry(s[7], 999_999, alice.id())));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (log.queued() < 7) {
                assertThat(System.nanoTime()).as("7 entries queued within 30 s").isLessThan(deadline);
                Thread.onSpinWait();
            }
            gated.open();

            first.get(30, TimeUnit.SECONDS);
            for (Future<?> f : good) {
                f.get(30, TimeUnit.SECONDS);
            }
            assertThatThrownBy(() -> bad.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(StoreException.class);
        }
        assertThat(logged()).containsExactly(s[0], s[1], s[2], s[3], s[4], s[5], s[6]);
        assertThat(store.audit().list("acme", 100)).hasSize(7);
        // the first entry alone, the batch of seven that failed, then each of the seven on its own
        assertThat(gated.transactions()).isEqualTo(1 + 1 + 7);
    }

    @Test
    void closeWritesWhatIsQueuedAndRefusesLaterAppends() throws Exception {
        GatedStore gated = new GatedStore(store);
        long[] s = store.certificates().nextSerials(3);
        IssuanceLog log = new IssuanceLog(gated);
        List<Future<?>> appends = new ArrayList<>();
        appends.add(pool.submit(() -> log.append(entry(s[0], acme.id(), alice.id()))));
        gated.awaitHeld();
        appends.add(pool.submit(() -> log.append(entry(s[1], acme.id(), alice.id()))));
        appends.add(pool.submit(() -> log.append(entry(s[2], acme.id(), alice.id()))));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (log.queued() < 2) {
            assertThat(System.nanoTime()).as("2 entries queued within 30 s").isLessThan(deadline);
            Thread.onSpinWait();
        }
        Future<?> closing = pool.submit(log::close);
        gated.open();
        closing.get(30, TimeUnit.SECONDS);
        for (Future<?> f : appends) {
            f.get(30, TimeUnit.SECONDS);
        }

        assertThat(logged()).containsExactly(s[0], s[1], s[2]);
        assertThatThrownBy(() -> log.append(entry(store.certificates().nextSerial(), acme.id(), alice.id())))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void aReservationThatNeverAppendsHoldsNobodyBack() {
        long[] s = store.certificates().nextSerials(2);
        try (IssuanceLog log = new IssuanceLog(store)) {
            IssuanceLog.Reservation failing = log.reserve(); // a request that will fail before it appends
            log.append(entry(s[0], acme.id(), alice.id())); // written although the writer sees one more coming
            failing.close();
            failing.close(); // twice is harmless
            try (IssuanceLog.Reservation r = log.reserve()) {
                r.append(entry(s[1], acme.id(), alice.id()));
            }
        }
        assertThat(logged()).containsExactly(s[0], s[1]);
    }

    @Test
    void serialsFromTwoReplicasNeverCollide() {
        Serials a = new Serials(store, 5);
        Serials b = new Serials(store, 5);
        Set<Long> all = new HashSet<>();
        for (int i = 0; i < 23; i++) {
            assertThat(all.add(a.next())).isTrue();
            assertThat(all.add(b.next())).isTrue();
        }
    }
}

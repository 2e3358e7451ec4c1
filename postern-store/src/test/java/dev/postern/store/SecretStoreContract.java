package dev.postern.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.testing.MutableClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The app secrets part of the store contract; mixed into each database's suite. */
interface SecretStoreContract {
    Store store();

    MutableClock clock();

    private App secretApp(String org, String app) {
        Instant now = clock().instant();
        Org o = store().orgs().create(org, now);
        return store().apps().create(o.id(), app, now);
    }

    private static SecretChange set(String name, String sealed) {
        return new SecretChange(name, sealed.getBytes(), "d-" + sealed);
    }

    @Test
    default void eachChangeIsANewVersionAndDeployPublishesTheNewest() {
        App app = secretApp("acme", "web");
        Instant at = clock().instant();
        assertThat(store().secrets().versions(app.id())).isEqualTo(SecretVersions.NONE);
        long v1 = store().inTransaction(tx -> tx.secrets().append(app.id(),
                List.of(set("A", "s1"), set("B", "s2")), "boss@example.com", at));
        long v2 = store().inTransaction(tx -> tx.secrets().append(app.id(),
                List.of(SecretChange.unset("A")), "jane@example.com", at));
        assertThat(List.of(v1, v2)).containsExactly(1L, 2L);
        assertThat(store().secrets().versions(app.id())).isEqualTo(new SecretVersions(2, 0));
        SecretVersions deployed = store().inTransaction(tx -> tx.secrets().deployLatest(app.id()));
        assertThat(deployed).isEqualTo(new SecretVersions(2, 2));
        List<StoredSecret> history = store().secrets().history(app.id());
        assertThat(history).extracting(StoredSecret::name, StoredSecret::version, StoredSecret::unset,
                        StoredSecret::setBy)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("A", 1L, false, "boss@example.com"),
                        org.assertj.core.groups.Tuple.tuple("A", 2L, true, "jane@example.com"),
                        org.assertj.core.groups.Tuple.tuple("B", 1L, false, "boss@example.com"));
        assertThat(history.get(0).sealedValue()).isEqualTo("s1".getBytes());
        assertThat(history.get(0).digest()).isEqualTo("d-s1");
        assertThat(history.get(0).setAt()).isEqualTo(Columns.stored(at));
    }

    @Test
    default void secretsOfOneAppAreNotAnothers() {
        App web = secretApp("acme", "web");
        App api = store().apps().create(web.orgId(), "api", clock().instant());
        store().inTransaction(tx -> tx.secrets().append(web.id(), List.of(set("A", "x")), "b@example.com",
                clock().instant()));
        assertThat(store().secrets().history(api.id())).isEmpty();
        assertThat(store().secrets().versions(api.id())).isEqualTo(SecretVersions.NONE);
    }

    @Test
    default void deletingAnAppDeletesItsSecrets() {
        App app = secretApp("acme", "web");
        store().inTransaction(tx -> tx.secrets().append(app.id(), List.of(set("A", "x")), "b@example.com",
                clock().instant()));
        store().inTransaction(tx -> tx.secrets().deployLatest(app.id()));
        boolean deleted = store().inTransaction(tx -> tx.apps().delete(app.id()));
        assertThat(deleted).isTrue();
        assertThat(store().secrets().history(app.id())).isEmpty();
        assertThat(store().secrets().versions(app.id())).isEqualTo(SecretVersions.NONE);
    }

    @Test
    default void concurrentChangesGetDistinctVersions() throws Exception {
        App app = secretApp("acme", "web");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Long>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String name = "N" + i;
                Callable<Long> change = () -> store().inTransaction(tx -> tx.secrets().append(app.id(),
                        List.of(set(name, "v")), "b@example.com", clock().instant()));
                results.add(pool.submit(change));
            }
            List<Long> versions = new ArrayList<>();
            for (Future<Long> f : results) {
                versions.add(f.get());
            }
            assertThat(versions).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
        } finally {
            pool.shutdownNow();
        }
    }
}

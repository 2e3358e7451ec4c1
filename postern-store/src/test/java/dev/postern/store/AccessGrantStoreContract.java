package dev.postern.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postern.common.Role;
import dev.postern.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Access grants: one per (app, person), replaced by a second grant, gone on revoke, never holding a reserved
 * login (a member must never be granted root through the store either). Mixed into each database's suite.
 */
interface AccessGrantStoreContract {
    Store store();

    MutableClock clock();

    @Test
    default void grantIsFoundListedReplacedAndRevoked() {
        Instant now = clock().instant();
        Org acme = store().orgs().create("acme", now);
        App web = store().apps().create(acme.id(), "web", now);
        App db = store().apps().create(acme.id(), "db", now);
        Person bob = store().people().create("bob@example.com", now);
        Person amy = store().people().create("amy@example.com", now);
        store().orgs().addMember(acme.id(), bob.id(), Role.MEMBER, "bob", now);
        store().orgs().addMember(acme.id(), amy.id(), Role.MEMBER, "amy", now);

        AccessGrant g = store().accessGrants().put(acme.id(), web.id(), bob.id(), List.of("app", "bob"),
                "owner@example.com", now);
        assertThat(g.app()).isEqualTo("web");
        assertThat(g.email()).isEqualTo("bob@example.com");
        assertThat(g.logins()).containsExactly("app", "bob");
        assertThat(g.grantedBy()).isEqualTo("owner@example.com");
        store().accessGrants().put(acme.id(), db.id(), bob.id(), List.of("deploy"), "owner@example.com", now);
        store().accessGrants().put(acme.id(), web.id(), amy.id(), List.of("amy"), "owner@example.com", now);
        assertThat(store().accessGrants().forOrg(acme.id())).extracting(a -> a.app() + "/" + a.email())
                .containsExactly("db/bob@example.com", "web/amy@example.com", "web/bob@example.com");

        Instant later = now.plus(Duration.ofMinutes(5));
        store().accessGrants().put(acme.id(), web.id(), bob.id(), List.of("deploy"), "admin@example.com", later);
        AccessGrant replaced = store().accessGrants().find(web.id(), bob.id()).orElseThrow();
        assertThat(replaced.logins()).as("granting again replaces the logins").containsExactly("deploy");
        assertThat(replaced.grantedBy()).isEqualTo("admin@example.com");
        assertThat(replaced.grantedAt()).isEqualTo(Columns.stored(later));
        assertThat(store().accessGrants().forOrg(acme.id())).hasSize(3);

        assertThat(store().accessGrants().revoke(web.id(), bob.id())).isTrue();
        assertThat(store().accessGrants().revoke(web.id(), bob.id())).as("only once").isFalse();
        assertThat(store().accessGrants().find(web.id(), bob.id())).isEmpty();
        assertThat(store().accessGrants().find(db.id(), bob.id())).as("other apps untouched").isPresent();

        java.util.Optional<List<String>> locked = store().inTransaction(tx -> tx.accessGrants().lockLogins(db.id(),
                bob.id()));
        assertThat(locked).contains(List.of("deploy"));
        java.util.Optional<List<String>> none = store().inTransaction(tx -> tx.accessGrants().lockLogins(web.id(),
                bob.id()));
        assertThat(none).isEmpty();
        assertThat(store().accessGrants().revokeAll(acme.id(), bob.id())).isEqualTo(1);
        assertThat(store().accessGrants().forOrg(acme.id())).extracting(AccessGrant::email)
                .containsExactly("amy@example.com");
    }

    @Test
    default void deletingAnAppDeletesItsGrants() {
        Instant now = clock().instant();
        Org acme = store().orgs().create("acme", now);
        App web = store().apps().create(acme.id(), "web", now);
        Person bob = store().people().create("bob@example.com", now);
        store().accessGrants().put(acme.id(), web.id(), bob.id(), List.of("app"), "o@example.com", now);
        assertThat(store().apps().delete(web.id())).isTrue();
        App again = store().apps().create(acme.id(), "web", now);
        assertThat(store().accessGrants().find(again.id(), bob.id())).as("a new app of that name: no grants").isEmpty();
        assertThat(store().accessGrants().forOrg(acme.id())).isEmpty();
    }

    @Test
    default void reservedOrInvalidLoginsAreNeverGranted() {
        Instant now = clock().instant();
        Org acme = store().orgs().create("acme", now);
        App web = store().apps().create(acme.id(), "web", now);
        Person bob = store().people().create("bob@example.com", now);
        for (List<String> bad : List.of(List.of("root"), List.of("app", "toor"), List.of("systemd-network"),
                List.of("a,b"), List.of("Root"), List.<String>of())) {
            assertThatThrownBy(() -> store().accessGrants().put(acme.id(), web.id(), bob.id(), bad, "o@example.com",
                    now)).as("%s", bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(store().accessGrants().forOrg(acme.id())).isEmpty();
    }
}

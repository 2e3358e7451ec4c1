package dev.postern.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postern.common.Role;
import dev.postern.testing.MutableClock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Members' logins: the org gives each member one, the database keeps it unique in the org, and no reserved
 * name (root, system accounts) is ever stored as someone's login. Mixed into each database's suite.
 */
interface MemberLoginStoreContract {
    Store store();

    MutableClock clock();

    @Test
    default void twoBobsFromDifferentDomainsCannotShareALoginInOneOrg() {
        Instant now = clock().instant();
        Org acme = store().orgs().create("acme", now);
        Org other = store().orgs().create("other", now);
        Person bobA = store().people().create("bob@a.example", now);
        Person bobB = store().people().create("bob@b.example", now);

        Membership first = store().orgs().addMember(acme.id(), bobA.id(), Role.MEMBER, "bob", now);
        assertThat(first.login()).isEqualTo("bob");
        assertThatThrownBy(() -> store().orgs().addMember(acme.id(), bobB.id(), Role.MEMBER, "bob", now))
                .isInstanceOf(LoginTakenException.class)
                .hasMessageContaining("'bob'").hasMessageContaining("bob@a.example");
        assertThat(store().orgs().membership(acme.id(), bobB.id())).as("nothing half-added").isEmpty();
        assertThat(store().orgs().addMember(other.id(), bobB.id(), Role.MEMBER, "bob", now).login())
                .as("another org may use the same name").isEqualTo("bob");

        store().orgs().addMember(acme.id(), bobB.id(), Role.MEMBER, "bob2", now);
        assertThatThrownBy(() -> store().orgs().setLogin(acme.id(), bobB.id(), "bob"))
                .isInstanceOf(LoginTakenException.class);
        assertThat(store().orgs().membership(acme.id(), bobB.id()).orElseThrow().login()).isEqualTo("bob2");
        assertThat(store().orgs().members(acme.id())).extracting(Membership::login).containsExactly("bob", "bob2");
    }

    @Test
    default void membersWithoutALoginDoNotCollide() {
        Instant now = clock().instant();
        Org acme = store().orgs().create("acme", now);
        for (String email : new String[] {"a@example.com", "b@example.com"}) {
            Person p = store().people().create(email, now);
            assertThat(store().orgs().addMember(acme.id(), p.id(), Role.MEMBER, now).login()).isNull();
        }
        assertThat(store().orgs().members(acme.id())).hasSize(2);
    }

    @Test
    default void reservedOrInvalidLoginsAreNeverStored() {
        Instant now = clock().instant();
        Org acme = store().orgs().create("acme", now);
        Person root = store().people().create("root@example.com", now);
        for (String bad : new String[] {"root", "toor", "daemon", "systemd-network", "www-data", "Root", "a b", "x\u001b"}) {
            assertThatThrownBy(() -> store().orgs().addMember(acme.id(), root.id(), Role.MEMBER, bad, now))
                    .as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(store().orgs().membership(acme.id(), root.id())).isEmpty();
        store().orgs().addMember(acme.id(), root.id(), Role.MEMBER, "rooty", now);
        assertThatThrownBy(() -> store().orgs().setLogin(acme.id(), root.id(), "root"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
        assertThat(store().orgs().membership(acme.id(), root.id()).orElseThrow().login()).isEqualTo("rooty");
        assertThat(store().orgs().setLogin(acme.id(), 999_999, "nobody1")).as("no such membership").isFalse();
    }

    @Test
    default void aTakenLoginInsideATransactionLeavesItUsable() {
        Instant now = clock().instant();
        Org acme = store().orgs().create("acme", now);
        Person a = store().people().create("a@example.com", now);
        Person b = store().people().create("b@example.com", now);
        store().orgs().addMember(acme.id(), a.id(), Role.MEMBER, "sam", now);
        store().inTransaction(tx -> {
            assertThatThrownBy(() -> tx.orgs().addMember(acme.id(), b.id(), Role.MEMBER, "sam", now))
                    .isInstanceOf(LoginTakenException.class);
            return tx.orgs().addMember(acme.id(), b.id(), Role.MEMBER, "sam2", now);
        });
        assertThat(store().orgs().membership(acme.id(), b.id()).orElseThrow().login()).isEqualTo("sam2");
    }

    @Test
    default void holdsLoginIsTrueOnlyForTheCurrentLoginOfACurrentMember() {
        Instant now = clock().instant();
        Org acme = store().orgs().create("acme", now);
        Person bob = store().people().create("bob@a.example", now);
        Person boss = store().people().create("boss@a.example", now);
        store().orgs().addMember(acme.id(), bob.id(), Role.MEMBER, "bob", now);
        store().orgs().addMember(acme.id(), boss.id(), Role.OWNER, now);

        assertThat(store().<Boolean>inTransaction(tx -> tx.orgs().holdsLogin(acme.id(), bob.id(), "bob"))).isTrue();
        assertThat(store().<Boolean>inTransaction(tx -> tx.orgs().holdsLogin(acme.id(), boss.id(), null))).isTrue();
        assertThat(store().orgs().holdsLogin(acme.id(), boss.id(), "boss")).isFalse();
        store().orgs().setLogin(acme.id(), bob.id(), "robert");
        assertThat(store().orgs().holdsLogin(acme.id(), bob.id(), "bob")).as("renamed").isFalse();
        store().orgs().removeMember(acme.id(), bob.id());
        assertThat(store().orgs().holdsLogin(acme.id(), bob.id(), "robert")).as("removed").isFalse();
    }

    @Test
    default void lockAndCountOwnersCountsOnlyThatOrgsOwners() {
        Instant now = clock().instant();
        Org acme = store().orgs().create("acme", now);
        Org other = store().orgs().create("other", now);
        for (String name : new String[] {"o1", "o2", "m1"}) {
            Person p = store().people().create(name + "@a.example", now);
            store().orgs().addMember(acme.id(), p.id(), name.startsWith("o") ? Role.OWNER : Role.MEMBER, name, now);
            store().orgs().addMember(other.id(), p.id(), Role.OWNER, name, now);
        }
        assertThat(store().<Integer>inTransaction(tx -> tx.orgs().lockAndCountOwners(acme.id()))).isEqualTo(2);
        assertThat(store().orgs().lockAndCountOwners(other.id())).isEqualTo(3);
    }
}

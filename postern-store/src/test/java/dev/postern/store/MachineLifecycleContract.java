package dev.postern.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.common.Role;
import dev.postern.testing.MutableClock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Removing machines and deleting apps and orgs; mixed into each database's suite. */
interface MachineLifecycleContract {
    Store store();

    MutableClock clock();

    @Test
    default void aRemovedMachineKeepsItsRowAndItsHostKeyStaysRevokedAfterTheOrgIsGone() {
        Instant now = clock().instant();
        Org org = store().orgs().create("gone", now);
        App app = store().apps().create(org.id(), "web", now);
        Person p = store().people().getOrCreate("owner@example.com", now);
        store().orgs().addMember(org.id(), p.id(), Role.OWNER, now);
        store().machines().createJoinToken(new JoinToken("t-gone", org.id(), app.id(), 1, now.plusSeconds(60),
                "owner@example.com", now));
        store().machines().create(new Machine("m1", org.id(), app.id(), "local", "fd00::1", "SHA256:one", now, now,
                true, "ssh-ed25519 AAAAone", null));
        store().machines().create(new Machine("m2", org.id(), app.id(), "local", "fd00::2", "SHA256:two", now, now,
                false));

        boolean first = store().inTransaction(tx -> tx.machines().remove("m1", now, "owner@example.com", "web"));
        assertThat(first).isTrue();
        assertThat(store().machines().remove("m1", now, "owner@example.com", "web")).as("once only").isFalse();
        assertThat(store().machines().remove("nope", now, "owner@example.com", "web")).isFalse();
        Machine removed = store().machines().byId("m1").orElseThrow();
        assertThat(removed.removed()).isTrue();
        assertThat(removed.online()).isFalse();
        assertThat(removed.hostKeyLine()).contains("ssh-ed25519 AAAAone");
        assertThat(store().machines().byId("m2").orElseThrow().removed()).isFalse();
        assertThat(store().machines().revokedHostKeys(org.id())).singleElement()
                .satisfies(k -> assertThat(k.machineId()).isEqualTo("m1"));

        store().inTransaction(tx -> {
            tx.machines().deleteForApp(app.id());
            assertThat(tx.apps().delete(app.id())).isTrue();
            assertThat(tx.orgs().delete(org.id())).isTrue();
            return null;
        });
        assertThat(store().orgs().byName("gone")).isEmpty();
        assertThat(store().machines().byId("m1")).isEmpty();
        assertThat(store().machines().joinToken("t-gone")).isEmpty();
        assertThat(store().machines().revokedHostKey("SHA256:one")).get()
                .satisfies(k -> assertThat(k.hostKey()).isEqualTo("ssh-ed25519 AAAAone"));
        assertThat(store().orgs().create("gone", now).name()).as("the name is free again").isEqualTo("gone");
    }
}

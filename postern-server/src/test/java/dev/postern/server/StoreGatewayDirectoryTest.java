package dev.postern.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.ca.CertificateAuthority;
import dev.postern.ca.KeySealer;
import dev.postern.ssh.OpenSshKeys;
import dev.postern.store.JdbcStore;
import dev.postern.store.Org;
import dev.postern.store.OrgAuthority;
import dev.postern.store.StoreConfig;
import dev.postern.testing.MutableClock;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's cached CA keys follow a replaced CA: at once when the API tells it, and within
 * {@link StoreGatewayDirectory#MAX_AGE} when the CA was replaced by another process sharing the store (which
 * cannot tell it), so that the old user CA's certificates stop mapping to the org.
 */
class StoreGatewayDirectoryTest {
    @TempDir
    Path dir;
    private final MutableClock clock = MutableClock.atWallTime();
    private JdbcStore store;
    private Authorities authorities;
    private Org acme;

    @BeforeEach
    void store() {
        store = JdbcStore.open(StoreConfig.h2(dir));
        byte[] master = new byte[32];
        new SecureRandom().nextBytes(master);
        authorities = new Authorities(new KeySealer(master), clock);
        acme = store.orgs().create("acme", clock.instant());
    }

    @AfterEach
    void close() {
        store.close();
    }

    private OrgAuthority establish() {
        OrgAuthority a = authorities.generate(acme.id());
        store.authorities().put(a);
        return a;
    }

    private static PublicKey key(String line) {
        return OpenSshKeys.parsePublicKey(line);
    }

    @Test
    void aCaReplacedElsewhereStopsMappingWithinMaxAge() {
        OrgAuthority old = establish();
        StoreGatewayDirectory directory = new StoreGatewayDirectory(store, clock);
        assertThat(directory.userCaOrg(key(old.userCaPublicKey()))).contains("acme");

        OrgAuthority replaced = establish(); // another replica: nobody calls authoritiesChanged() here
        clock.advance(StoreGatewayDirectory.MAX_AGE.minusSeconds(1));
        assertThat(directory.userCaOrg(key(old.userCaPublicKey()))).as("still cached").contains("acme");
        clock.advance(Duration.ofSeconds(1));
        assertThat(directory.userCaOrg(key(old.userCaPublicKey()))).isEmpty();
        assertThat(directory.userCaOrg(key(replaced.userCaPublicKey()))).contains("acme");
        assertThat(directory.hostCaKeys("acme")).containsExactly(key(replaced.hostCaPublicKey()));
        assertThat(directory.revocations("acme").isRevoked(key(old.userCaPublicKey())))
                .as("the org's KRL revokes the retired user CA key").isTrue();
    }

    @Test
    void theApiHookDropsTheCacheAtOnce() {
        OrgAuthority old = establish();
        StoreGatewayDirectory directory = new StoreGatewayDirectory(store, clock);
        assertThat(directory.userCaOrg(key(old.userCaPublicKey()))).contains("acme");
        assertThat(directory.revocations("acme").isRevoked(key(old.userCaPublicKey()))).isFalse();

        OrgAuthority replaced = establish();
        directory.authoritiesChanged();
        assertThat(directory.userCaOrg(key(old.userCaPublicKey()))).isEmpty();
        assertThat(directory.userCaOrg(key(replaced.userCaPublicKey()))).contains("acme");
        assertThat(directory.revocations("acme").isRevoked(key(old.userCaPublicKey()))).isTrue();
    }

    @Test
    void grantsAreCachedUntilTheHookOrMaxAgeAndAdminsNeedNone() {
        dev.postern.store.App web = store.apps().create(acme.id(), "web", clock.instant());
        dev.postern.store.Person bob = store.people().create("bob@example.com", clock.instant());
        dev.postern.store.Person boss = store.people().create("boss@example.com", clock.instant());
        store.orgs().addMember(acme.id(), bob.id(), dev.postern.common.Role.MEMBER, "bob", clock.instant());
        store.orgs().addMember(acme.id(), boss.id(), dev.postern.common.Role.ADMIN, "boss", clock.instant());
        StoreGatewayDirectory directory = new StoreGatewayDirectory(store, clock);
        assertThat(directory.mayReach("acme", "boss@example.com", "web")).as("admins reach every app").isTrue();
        assertThat(directory.mayReach("acme", "bob@example.com", "web")).as("no grant yet").isFalse();

        store.accessGrants().put(acme.id(), web.id(), bob.id(), java.util.List.of("app"), "boss", clock.instant());
        directory.accessChanged("acme");
        assertThat(directory.mayReach("acme", "bob@example.com", "web")).isTrue();
        assertThat(directory.mayReach("acme", "bob@example.com", "db")).isFalse();
        assertThat(directory.mayReach("other", "bob@example.com", "web")).isFalse();

        store.accessGrants().revoke(web.id(), bob.id()); // another replica: no hook called here
        clock.advance(StoreGatewayDirectory.MAX_AGE.minusSeconds(1));
        assertThat(directory.mayReach("acme", "bob@example.com", "web")).as("still cached").isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(directory.mayReach("acme", "bob@example.com", "web")).isFalse();

        store.accessGrants().put(acme.id(), web.id(), bob.id(), java.util.List.of("app"), "boss", clock.instant());
        directory.accessChanged("acme");
        assertThat(directory.mayReach("acme", "bob@example.com", "web")).isTrue();
        store.accessGrants().revoke(web.id(), bob.id());
        directory.accessChanged("acme");
        assertThat(directory.mayReach("acme", "bob@example.com", "web")).as("the API's hook: at once").isFalse();
        store.orgs().removeMember(acme.id(), boss.id());
        assertThat(directory.mayReach("acme", "boss@example.com", "web")).as("removed: nobody").isFalse();
    }
}

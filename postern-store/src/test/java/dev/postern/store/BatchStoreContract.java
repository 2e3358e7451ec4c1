package dev.postern.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postern.common.Role;
import dev.postern.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The part of the store contract that group-committed issuing uses (serials in blocks, batched log and audit
 * rows, the caller lookup in one query); mixed into each database's suite.
 */
interface BatchStoreContract {
    Store store();

    MutableClock clock();

    private IssuedCertificate certificate(long serial, Org org, Person person) {
        Instant t = clock().instant();
        return new IssuedCertificate(serial, org.id(), person.id(), "key-" + serial, List.of("alice"),
                "SHA256:fp" + serial, t.minusSeconds(60), t.plus(Duration.ofHours(1)), person.email(), t, null, null);
    }

    private AuditEvent event(String target) {
        return new AuditEvent(0, clock().instant(), "alice@example.com", "acme", "certificate.issue", target,
                "127.0.0.1", "principals=alice");
    }

    @Test
    default void serialsInABlockAreNewDistinctAndNeverHandedOutAgain() {
        long before = store().certificates().nextSerial();
        long[] block = store().certificates().nextSerials(50);
        long after = store().certificates().nextSerial();

        assertThat(block).hasSize(50).doesNotHaveDuplicates();
        assertThat(Arrays.stream(block).min().orElseThrow()).isGreaterThan(before);
        assertThat(after).isGreaterThan(Arrays.stream(block).max().orElseThrow());
        assertThatThrownBy(() -> store().certificates().nextSerials(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("serial count 0");
    }

    @Test
    default void recordAllWritesEveryCertificateAndItsAuditEventsInOneTransaction() {
        Org acme = store().orgs().create("acme", clock().instant());
        Person alice = store().people().create("alice@example.com", clock().instant());
        long[] serials = store().certificates().nextSerials(5);
        List<IssuedCertificate> certs = new ArrayList<>();
        List<AuditEvent> events = new ArrayList<>();
        for (long s : serials) {
            certs.add(certificate(s, acme, alice));
            events.add(event("key-" + s));
        }

        store().inTransaction(tx -> {
            tx.certificates().recordAll(certs);
            tx.audit().appendAll(events);
            return null;
        });

        assertThat(store().certificates().forOrg(acme.id())).containsExactlyElementsOf(certs);
        assertThat(store().audit().list("acme", 10)).extracting(AuditEvent::target)
                .containsExactly("key-" + serials[4], "key-" + serials[3], "key-" + serials[2], "key-" + serials[1],
                        "key-" + serials[0]);
    }

    @Test
    default void aDuplicateInABatchIsAConflictAndTheTransactionRecordsNothing() {
        Org acme = store().orgs().create("acme", clock().instant());
        Person alice = store().people().create("alice@example.com", clock().instant());
        IssuedCertificate old = certificate(store().certificates().nextSerial(), acme, alice);
        store().certificates().record(old);
        IssuedCertificate fresh = certificate(store().certificates().nextSerial(), acme, alice);

        assertThatThrownBy(() -> store().inTransaction(tx -> {
            tx.audit().appendAll(List.of(event("batch")));
            tx.certificates().recordAll(List.of(fresh, old));
            return null;
        })).isInstanceOf(ConflictException.class).hasMessageContaining("already recorded");

        assertThat(store().certificates().forOrg(acme.id())).containsExactly(old);
        assertThat(store().audit().list("acme", 10)).isEmpty();
    }

    @Test
    default void emptyBatchesChangeNothing() {
        store().certificates().recordAll(List.of());
        store().audit().appendAll(List.of());

        assertThat(store().audit().list(null, 10)).isEmpty();
    }

    @Test
    default void callerInOrgReadsTokenPersonOrgMembershipAndCaTogether() {
        Instant now = clock().instant();
        Person alice = store().people().create("alice@example.com", now);
        Org acme = store().orgs().create("acme", now);
        store().orgs().create("other", now);
        Membership m = store().orgs().addMember(acme.id(), alice.id(), Role.ADMIN, "alice", now);
        ApiToken token = new ApiToken("hash-a", alice.id(), TokenKind.SESSION, now, now.plusSeconds(3600), null);
        store().tokens().create(token);

        CallerInOrg noCa = store().callerInOrg("hash-a", "acme").orElseThrow();
        assertThat(noCa).isEqualTo(new CallerInOrg(store().tokens().byHash("hash-a").orElseThrow(), alice, acme, m,
                null, null));

        store().authorities().put(new OrgAuthority(acme.id(), "ssh-ed25519 AAAAuser", new byte[] {1},
                "ssh-ed25519 AAAAhost", new byte[] {2}, now));
        CallerInOrg withCa = store().callerInOrg("hash-a", "acme").orElseThrow();
        assertThat(withCa.authorityCreatedAt()).isEqualTo(store().authorities().forOrg(acme.id()).orElseThrow().createdAt());
        assertThat(withCa.userCaPublicKey()).isEqualTo("ssh-ed25519 AAAAuser");

        CallerInOrg notMember = store().callerInOrg("hash-a", "other").orElseThrow();
        assertThat(notMember.org()).isNotNull();
        assertThat(notMember.membership()).isNull();
        CallerInOrg noOrg = store().callerInOrg("hash-a", "nope").orElseThrow();
        assertThat(noOrg.org()).isNull();
        assertThat(noOrg.membership()).isNull();
        assertThat(noOrg.person()).isEqualTo(alice);
        assertThat(store().callerInOrg("hash-unknown", "acme")).isEmpty();
    }

    @Test
    default void callerInOrgSeesARemovalOrLogoutAtOnce() {
        Instant now = clock().instant();
        Person alice = store().people().create("alice@example.com", now);
        Org acme = store().orgs().create("acme", now);
        store().orgs().addMember(acme.id(), alice.id(), Role.MEMBER, now);
        store().tokens().create(new ApiToken("hash-a", alice.id(), TokenKind.SESSION, now, now.plusSeconds(3600), null));
        assertThat(store().callerInOrg("hash-a", "acme").orElseThrow().membership()).isNotNull();

        store().orgs().removeMember(acme.id(), alice.id());
        assertThat(store().callerInOrg("hash-a", "acme").orElseThrow().membership()).isNull();

        store().tokens().delete("hash-a");
        assertThat(store().callerInOrg("hash-a", "acme")).isEmpty();
    }

    @Test
    default void callerInOrgInsideATransactionAgreesWithTheStore() {
        Instant now = clock().instant();
        Person alice = store().people().create("alice@example.com", now);
        Org acme = store().orgs().create("acme", now);
        store().orgs().addMember(acme.id(), alice.id(), Role.OWNER, now);
        store().tokens().create(new ApiToken("hash-a", alice.id(), TokenKind.SESSION, now, now.plusSeconds(3600), null));

        CallerInOrg outside = store().callerInOrg("hash-a", "acme").orElseThrow();
        CallerInOrg inside = store().inTransaction(tx -> tx.callerInOrg("hash-a", "acme").orElseThrow());

        assertThat(inside).isEqualTo(outside);
    }
}

package dev.postern.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postern.common.Role;
import dev.postern.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link Store} must have, run against each real database by a subclass. Each test
 * starts from an empty, freshly migrated database.
 */
abstract class StoreContractTest implements MachineStoreContract, BatchStoreContract, MemberLoginStoreContract,
        JoinTokenStoreContract, MachineLifecycleContract, AccessGrantStoreContract, SecretStoreContract {
    /** Millisecond and sub-millisecond parts on purpose: the store must keep at least millisecond precision. */
    protected final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T10:15:30.123456Z"));
    protected Store store;

    /** Prepares an empty database for this test (called once before {@link #openStore}). */
    protected abstract void createDatabase() throws Exception;

    /** Opens a store on the test's database; called again to test that data survives a reopen. */
    protected abstract Store openStore();

    /** Removes the test's database after the store was closed. */
    protected abstract void dropDatabase() throws Exception;

    @BeforeEach
    void openFresh() throws Exception {
        createDatabase();
        store = openStore();
    }

    @AfterEach
    void closeAndDrop() throws Exception {
        if (store != null) {
            store.close();
        }
        dropDatabase();
    }

    @Override
    public Store store() {
        return store;
    }

    @Override
    public MutableClock clock() {
        return clock;
    }

    private Instant now() {
        return clock.instant();
    }

    private Person person(String email) {
        return store.people().create(email, now());
    }

    private Org org(String name) {
        return store.orgs().create(name, now());
    }

    private IssuedCertificate cert(long serial, Org org, Person person, List<String> principals) {
        Instant t = now();
        return new IssuedCertificate(serial, org.id(), person.id(), "key-" + serial, principals, "SHA256:fp" + serial,
                t.minusSeconds(60), t.plus(Duration.ofHours(24)), person.email(), t, null, null);
    }

    private IssuedCertificate issue(Org org, Person person) {
        IssuedCertificate c = cert(store.certificates().nextSerial(), org, person, List.of("alice", "deploy"));
        store.certificates().record(c);
        return c;
    }

    // ---- people

    @Test
    void createdPersonIsFoundByEmailIgnoringCaseAndById() {
        Person alice = person("Alice@Example.COM");

        assertThat(alice.email()).isEqualTo("alice@example.com");
        assertThat(alice.createdAt()).isEqualTo(now());
        assertThat(store.people().byEmail("ALICE@example.com")).contains(alice);
        assertThat(store.people().byId(alice.id())).contains(alice);
        assertThat(store.people().byEmail("bob@example.com")).isEmpty();
        assertThat(store.people().byId(alice.id() + 1000)).isEmpty();
    }

    @Test
    void duplicateEmailInAnyCaseIsAConflictNamingIt() {
        person("alice@example.com");

        assertThatThrownBy(() -> person("ALICE@example.com"))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("alice@example.com");
    }

    @Test
    void getOrCreateCreatesOnceThenReturnsTheSamePerson() {
        Person first = store.people().getOrCreate("Bob@example.com", now());
        clock.advance(Duration.ofMinutes(5));
        Person again = store.people().getOrCreate("bob@EXAMPLE.com", now());

        assertThat(again).isEqualTo(first);
        assertThat(first.email()).isEqualTo("bob@example.com");
    }

    @Test
    void getOrCreateFromManyThreadsYieldsOnePerson() throws Exception {
        List<Person> people = race(8, () -> store.people().getOrCreate("race@example.com", now()));

        assertThat(new HashSet<>(people)).hasSize(1);
    }

    // ---- tokens

    @Test
    void tokenRoundTripsAllFields() {
        Person alice = person("alice@example.com");
        ApiToken token = new ApiToken("ab".repeat(32), alice.id(), TokenKind.SESSION, now(),
                now().plus(Duration.ofDays(30)), null);

        store.tokens().create(token);

        assertThat(store.tokens().byHash(token.hash())).contains(token);
        assertThat(store.tokens().byHash("cd".repeat(32))).isEmpty();
    }

    @Test
    void duplicateTokenHashIsAConflict() {
        Person alice = person("alice@example.com");
        ApiToken token = new ApiToken("ab".repeat(32), alice.id(), TokenKind.INVITE, now(), now().plusSeconds(60), null);
        store.tokens().create(token);

        assertThatThrownBy(() -> store.tokens().create(token)).isInstanceOf(ConflictException.class);
    }

    @Test
    void tokenForUnknownPersonIsRefused() {
        ApiToken token = new ApiToken("ab".repeat(32), 4242, TokenKind.INVITE, now(), now().plusSeconds(60), null);

        assertThatThrownBy(() -> store.tokens().create(token))
                .isInstanceOf(StoreException.class)
                .isNotInstanceOf(ConflictException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void markUsedSucceedsOnceAndRecordsWhen() {
        Person alice = person("alice@example.com");
        ApiToken token = new ApiToken("ef".repeat(32), alice.id(), TokenKind.INVITE, now(), now().plusSeconds(600), null);
        store.tokens().create(token);
        Instant usedAt = now().plusSeconds(5);

        assertThat(store.tokens().markUsed(token.hash(), usedAt)).isTrue();
        assertThat(store.tokens().markUsed(token.hash(), usedAt.plusSeconds(1))).isFalse();
        assertThat(store.tokens().byHash(token.hash()).orElseThrow().usedAt()).isEqualTo(usedAt);
        assertThat(store.tokens().markUsed("00".repeat(32), usedAt)).isFalse();
    }

    @Test
    void markUsedByTwoConcurrentCallersSucceedsForExactlyOne() throws Exception {
        Person alice = person("alice@example.com");
        for (int i = 0; i < 20; i++) {
            String hash = String.format("%064x", i);
            store.tokens().create(new ApiToken(hash, alice.id(), TokenKind.INVITE, now(), now().plusSeconds(600), null));

            List<Boolean> outcomes = race(2, () -> store.tokens().markUsed(hash, now()));

            assertThat(outcomes).as("token %d", i).containsExactlyInAnyOrder(true, false);
        }
    }

    @Test
    void deleteRemovesTokenOnce() {
        Person alice = person("alice@example.com");
        ApiToken token = new ApiToken("12".repeat(32), alice.id(), TokenKind.SESSION, now(), now().plusSeconds(600), null);
        store.tokens().create(token);

        assertThat(store.tokens().delete(token.hash())).isTrue();
        assertThat(store.tokens().delete(token.hash())).isFalse();
        assertThat(store.tokens().byHash(token.hash())).isEmpty();
    }

    // ---- orgs and members

    @Test
    void createdOrgIsFoundByNameAndId() {
        Org acme = org("acme");

        assertThat(store.orgs().byName("acme")).contains(acme);
        assertThat(store.orgs().byId(acme.id())).contains(acme);
        assertThat(store.orgs().byName("other")).isEmpty();
        assertThat(store.orgs().byId(acme.id() + 1000)).isEmpty();
    }

    @Test
    void duplicateOrgNameIsAConflictNamingIt() {
        org("acme");

        assertThatThrownBy(() -> org("acme"))
                .isInstanceOf(ConflictException.class)
                .hasMessage("org 'acme' already exists");
    }

    @Test
    void membersAreListedByEmailAndOrgsOfAPersonByName() {
        Org zeta = org("zeta");
        Org acme = org("acme");
        Person carol = person("carol@example.com");
        Person alice = person("alice@example.com");

        Membership m = store.orgs().addMember(zeta.id(), carol.id(), Role.OWNER, now());
        store.orgs().addMember(zeta.id(), alice.id(), Role.MEMBER, now());
        store.orgs().addMember(acme.id(), carol.id(), Role.ADMIN, now());

        assertThat(m).isEqualTo(new Membership(zeta.id(), carol.id(), "carol@example.com", Role.OWNER, null, m.createdAt()));
        assertThat(store.orgs().members(zeta.id())).extracting(Membership::email)
                .containsExactly("alice@example.com", "carol@example.com");
        assertThat(store.orgs().membership(acme.id(), carol.id()).orElseThrow().role()).isEqualTo(Role.ADMIN);
        assertThat(store.orgs().membership(acme.id(), alice.id())).isEmpty();
        assertThat(store.orgs().forPerson(carol.id())).containsExactly(acme, zeta);
        assertThat(store.orgs().forPerson(alice.id())).containsExactly(zeta);
    }

    @Test
    void addingAMemberTwiceIsAConflict() {
        Org acme = org("acme");
        Person alice = person("alice@example.com");
        store.orgs().addMember(acme.id(), alice.id(), Role.MEMBER, now());

        assertThatThrownBy(() -> store.orgs().addMember(acme.id(), alice.id(), Role.ADMIN, now()))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("already a member");
    }

    @Test
    void removeMemberRemovesOnce() {
        Org acme = org("acme");
        Person alice = person("alice@example.com");
        store.orgs().addMember(acme.id(), alice.id(), Role.MEMBER, now());

        assertThat(store.orgs().removeMember(acme.id(), alice.id())).isTrue();
        assertThat(store.orgs().removeMember(acme.id(), alice.id())).isFalse();
        assertThat(store.orgs().members(acme.id())).isEmpty();
        assertThat(store.orgs().forPerson(alice.id())).isEmpty();
    }

    // ---- apps

    @Test
    void appsAreUniquePerOrgAndListedByName() {
        Org acme = org("acme");
        Org other = org("other");
        App web = store.apps().create(acme.id(), "web", now());
        App api = store.apps().create(acme.id(), "api", now());
        App otherWeb = store.apps().create(other.id(), "web", now());

        assertThat(store.apps().forOrg(acme.id())).containsExactly(api, web);
        assertThat(store.apps().byName(acme.id(), "web")).contains(web);
        assertThat(store.apps().byName(other.id(), "web")).contains(otherWeb);
        assertThat(store.apps().byName(other.id(), "api")).isEmpty();
        assertThatThrownBy(() -> store.apps().create(acme.id(), "web", now()))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("app 'web' already exists");
    }

    // ---- authorities

    @Test
    void authorityRoundTripsAndPutReplaces() {
        Org acme = org("acme");
        assertThat(store.authorities().forOrg(acme.id())).isEmpty();
        OrgAuthority first = new OrgAuthority(acme.id(), "ssh-ed25519 AAAAuser user-ca", new byte[] {1, 2, 3, 0, -1},
                "ssh-ed25519 AAAAhost host-ca", new byte[] {9, 8, 7}, now());
        store.authorities().put(first);

        OrgAuthority read = store.authorities().forOrg(acme.id()).orElseThrow();
        assertThat(read.userCaPublicKey()).isEqualTo(first.userCaPublicKey());
        assertThat(read.userCaSealedKey()).containsExactly(1, 2, 3, 0, -1);
        assertThat(read.hostCaPublicKey()).isEqualTo(first.hostCaPublicKey());
        assertThat(read.hostCaSealedKey()).containsExactly(9, 8, 7);
        assertThat(read.createdAt()).isEqualTo(first.createdAt());

        clock.advance(Duration.ofDays(1));
        store.authorities().put(new OrgAuthority(acme.id(), "ssh-ed25519 AAAAuser2", new byte[] {4},
                "ssh-ed25519 AAAAhost2", new byte[] {5}, now()));
        OrgAuthority replaced = store.authorities().forOrg(acme.id()).orElseThrow();
        assertThat(replaced.userCaPublicKey()).isEqualTo("ssh-ed25519 AAAAuser2");
        assertThat(replaced.userCaSealedKey()).containsExactly(4);
        assertThat(replaced.hostCaSealedKey()).containsExactly(5);
        assertThat(replaced.createdAt()).isEqualTo(now());

        Org other = org("other");
        store.authorities().put(new OrgAuthority(other.id(), "ssh-ed25519 AAAAuser3", new byte[] {6},
                "ssh-ed25519 AAAAhost3", new byte[] {7}, now()));
        assertThat(store.authorities().all()).extracting(OrgAuthority::orgId).containsExactly(acme.id(), other.id());
        assertThat(store.authorities().all().get(0).userCaPublicKey()).isEqualTo("ssh-ed25519 AAAAuser2");
    }

    @Test
    void replacingACaKeepsTheOldPublicKeysAsRetired() {
        Org acme = org("acme");
        Instant firstAt = now();
        store.authorities().put(new OrgAuthority(acme.id(), "ssh-ed25519 AAAAold-user", new byte[] {1},
                "ssh-ed25519 AAAAold-host", new byte[] {2}, firstAt));
        assertThat(store.authorities().retired(acme.id())).isEmpty();

        clock.advance(Duration.ofHours(1));
        Instant secondAt = now();
        store.inTransaction(tx -> {
            tx.authorities().put(new OrgAuthority(acme.id(), "ssh-ed25519 AAAAnew-user", new byte[] {3},
                    "ssh-ed25519 AAAAnew-host", new byte[] {4}, secondAt));
            return null;
        });
        clock.advance(Duration.ofHours(1));
        store.authorities().put(new OrgAuthority(acme.id(), "ssh-ed25519 AAAAthird-user", new byte[] {5},
                "ssh-ed25519 AAAAthird-host", new byte[] {6}, now()));

        assertThat(store.authorities().retired(acme.id())).containsExactly(
                new RetiredAuthority(acme.id(), "ssh-ed25519 AAAAold-user", "ssh-ed25519 AAAAold-host", firstAt,
                        secondAt),
                new RetiredAuthority(acme.id(), "ssh-ed25519 AAAAnew-user", "ssh-ed25519 AAAAnew-host", secondAt,
                        now()));
        assertThat(store.authorities().retired(org("other").id())).isEmpty();
        for (String ca : List.of("ssh-ed25519 AAAAold-user", "ssh-ed25519 AAAAnew-host", "ssh-ed25519 AAAAthird-user",
                "ssh-ed25519 AAAAthird-host")) {
            assertThat(store.authorities().isCaKey(ca)).as(ca).isTrue();
        }
        assertThat(store.authorities().isCaKey("ssh-ed25519 AAAAsomeone")).isFalse();
    }

    @Test
    void aFailedReplacementRetiresNothing() {
        Org acme = org("acme");
        store.authorities().put(new OrgAuthority(acme.id(), "ssh-ed25519 AAAAu", new byte[] {1},
                "ssh-ed25519 AAAAh", new byte[] {2}, now()));
        assertThatThrownBy(() -> store.inTransaction(tx -> {
            tx.authorities().put(new OrgAuthority(acme.id(), "ssh-ed25519 AAAAu2", new byte[] {3},
                    "ssh-ed25519 AAAAh2", new byte[] {4}, now()));
            throw new IllegalStateException("boom");
        })).hasMessageContaining("boom");
        assertThat(store.authorities().retired(acme.id())).isEmpty();
        assertThat(store.authorities().forOrg(acme.id()).orElseThrow().userCaPublicKey()).isEqualTo("ssh-ed25519 AAAAu");
    }

    // ---- certificates

    @Test
    void serialsStartAtOneAndIncrease() {
        long first = store.certificates().nextSerial();
        long second = store.certificates().nextSerial();

        assertThat(first).isEqualTo(1);
        assertThat(second).isGreaterThan(first);
    }

    @Test
    void serialsFromManyThreadsAreUnique() throws Exception {
        List<List<Long>> perThread = race(4, () -> {
            List<Long> mine = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                long serial = store.certificates().nextSerial();
                if (!mine.isEmpty()) {
                    assertThat(serial).isGreaterThan(mine.get(mine.size() - 1));
                }
                mine.add(serial);
            }
            return mine;
        });

        Set<Long> all = new HashSet<>();
        perThread.forEach(all::addAll);
        assertThat(all).hasSize(200);
    }

    @Test
    void certificateRoundTripsAndIsListedOldestFirst() {
        Org acme = org("acme");
        Person alice = person("alice@example.com");
        IssuedCertificate first = issue(acme, alice);
        IssuedCertificate noPrincipals = cert(store.certificates().nextSerial(), acme, alice, List.of());
        store.certificates().record(noPrincipals);

        assertThat(store.certificates().bySerial(acme.id(), first.serial())).contains(first);
        assertThat(store.certificates().bySerial(acme.id(), noPrincipals.serial()).orElseThrow().principals()).isEmpty();
        assertThat(store.certificates().forOrg(acme.id())).containsExactly(first, noPrincipals);
        assertThat(store.certificates().bySerial(acme.id(), 999_999)).isEmpty();
    }

    @Test
    void certificateIsOnlyVisibleInItsOrg() {
        Org acme = org("acme");
        Org other = org("other");
        Person alice = person("alice@example.com");
        IssuedCertificate c = issue(acme, alice);

        assertThat(store.certificates().bySerial(other.id(), c.serial())).isEmpty();
        assertThat(store.certificates().forOrg(other.id())).isEmpty();
        assertThat(store.certificates().revokeSerial(other.id(), c.serial(), now(), "mallory@example.com")).isZero();
    }

    @Test
    void recordingASerialTwiceIsAConflict() {
        Org acme = org("acme");
        Person alice = person("alice@example.com");
        IssuedCertificate c = issue(acme, alice);

        assertThatThrownBy(() -> store.certificates().record(c))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("serial " + c.serial());
    }

    @Test
    void principalWithACommaIsRefused() {
        Org acme = org("acme");
        Person alice = person("alice@example.com");
        IssuedCertificate c = cert(store.certificates().nextSerial(), acme, alice, List.of("a,b"));

        assertThatThrownBy(() -> store.certificates().record(c))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a,b'");
    }

    @Test
    void revokeSerialRevokesOnceAndRecordsWhoAndWhen() {
        Org acme = org("acme");
        Person alice = person("alice@example.com");
        IssuedCertificate c = issue(acme, alice);
        Instant at = now().plusSeconds(30);

        assertThat(store.certificates().revokeSerial(acme.id(), c.serial(), at, "admin@example.com")).isEqualTo(1);
        assertThat(store.certificates().revokeSerial(acme.id(), c.serial(), at.plusSeconds(1), "x@example.com")).isZero();
        assertThat(store.certificates().revokeSerial(acme.id(), 999_999, at, "admin@example.com")).isZero();

        IssuedCertificate revoked = store.certificates().bySerial(acme.id(), c.serial()).orElseThrow();
        assertThat(revoked.revoked()).isTrue();
        assertThat(revoked.revokedAt()).isEqualTo(at);
        assertThat(revoked.revokedBy()).isEqualTo("admin@example.com");
    }

    @Test
    void revokePersonCountsOnlyTheirLiveCertificatesInThatOrg() {
        Org acme = org("acme");
        Org other = org("other");
        Person alice = person("alice@example.com");
        Person bob = person("bob@example.com");
        IssuedCertificate a1 = issue(acme, alice);
        IssuedCertificate a2 = issue(acme, alice);
        IssuedCertificate a3 = issue(acme, alice);
        IssuedCertificate b1 = issue(acme, bob);
        IssuedCertificate aOther = issue(other, alice);
        store.certificates().revokeSerial(acme.id(), a2.serial(), now(), "admin@example.com");

        assertThat(store.certificates().revokePerson(acme.id(), alice.id(), now(), "admin@example.com")).isEqualTo(2);
        assertThat(store.certificates().revokePerson(acme.id(), alice.id(), now(), "admin@example.com")).isZero();

        assertThat(store.certificates().revoked(acme.id())).extracting(IssuedCertificate::serial)
                .containsExactly(a1.serial(), a2.serial(), a3.serial());
        assertThat(store.certificates().bySerial(acme.id(), b1.serial()).orElseThrow().revoked()).isFalse();
        assertThat(store.certificates().bySerial(other.id(), aOther.serial()).orElseThrow().revoked()).isFalse();
        assertThat(store.certificates().revoked(other.id())).isEmpty();
    }

    @Test
    void revokedListsByAscendingSerial() {
        Org acme = org("acme");
        Person alice = person("alice@example.com");
        IssuedCertificate c1 = issue(acme, alice);
        IssuedCertificate c2 = issue(acme, alice);
        issue(acme, alice);
        store.certificates().revokeSerial(acme.id(), c2.serial(), now(), "admin@example.com");
        store.certificates().revokeSerial(acme.id(), c1.serial(), now(), "admin@example.com");

        assertThat(store.certificates().revoked(acme.id())).extracting(IssuedCertificate::serial)
                .containsExactly(c1.serial(), c2.serial());
    }

    // ---- audit

    @Test
    void auditListsNewestFirstWithLimitAndOrgFilter() {
        AuditEvent e1 = store.audit().append(new AuditEvent(0, now(), "alice@example.com", "acme", "org.create", "acme",
                "127.0.0.1", "created"));
        clock.advance(Duration.ofSeconds(1));
        AuditEvent e2 = store.audit().append(new AuditEvent(0, now(), "bob@example.com", "other", "org.create", "other",
                "127.0.0.2", null));
        clock.advance(Duration.ofSeconds(1));
        AuditEvent e3 = store.audit().append(new AuditEvent(0, now(), "alice@example.com", "acme", "cert.issue", "7",
                null, null));
        AuditEvent global = store.audit().append(new AuditEvent(0, now(), "system", null, "server.start", null, null,
                null));

        assertThat(e1.id()).isPositive();
        assertThat(List.of(e1.id(), e2.id(), e3.id(), global.id())).isSorted().doesNotHaveDuplicates();
        assertThat(store.audit().list(null, 10)).containsExactly(global, e3, e2, e1);
        assertThat(store.audit().list(null, 2)).containsExactly(global, e3);
        assertThat(store.audit().list("acme", 10)).containsExactly(e3, e1);
        assertThat(store.audit().list("acme", 1)).containsExactly(e3);
        assertThat(store.audit().list("nobody", 10)).isEmpty();
        assertThat(e1.detail()).isEqualTo("created");
        assertThat(e2.detail()).isNull();
    }

    @Test
    void auditLimitBelowOneIsRefused() {
        assertThatThrownBy(() -> store.audit().list(null, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0");
    }

    // ---- settings

    @Test
    void settingIsWrittenOnceAndFirstValueWins() {
        assertThat(store.settings().get("master-check")).isEmpty();

        assertThat(store.settings().putIfAbsent("master-check", new byte[] {1, 2, 3})).containsExactly(1, 2, 3);
        assertThat(store.settings().putIfAbsent("master-check", new byte[] {4, 5})).containsExactly(1, 2, 3);
        assertThat(store.settings().get("master-check").orElseThrow()).containsExactly(1, 2, 3);
    }

    @Test
    void settingPutIfAbsentFromManyThreadsAgreesOnOneValue() throws Exception {
        List<byte[]> seen = race(6, () -> store.settings().putIfAbsent("race",
                new byte[] {(byte) Thread.currentThread().getId()}));

        byte[] stored = store.settings().get("race").orElseThrow();
        assertThat(seen).allSatisfy(v -> assertThat(v).isEqualTo(stored));
    }

    // ---- transactions

    @Test
    void transactionCommitsAllItsWrites() {
        Org acme = store.inTransaction(tx -> {
            Org o = tx.orgs().create("acme", now());
            Person p = tx.people().create("alice@example.com", now());
            tx.orgs().addMember(o.id(), p.id(), Role.OWNER, now());
            tx.apps().create(o.id(), "web", now());
            return o;
        });

        assertThat(store.orgs().members(acme.id())).hasSize(1);
        assertThat(store.apps().forOrg(acme.id())).hasSize(1);
    }

    @Test
    void transactionThatThrowsLeavesNothingBehind() {
        Person existing = person("bob@example.com");
        IllegalStateException boom = new IllegalStateException("boom");

        assertThatThrownBy(() -> store.inTransaction(tx -> {
            Org o = tx.orgs().create("acme", now());
            Person p = tx.people().create("alice@example.com", now());
            tx.orgs().addMember(o.id(), p.id(), Role.OWNER, now());
            tx.orgs().addMember(o.id(), existing.id(), Role.MEMBER, now());
            tx.apps().create(o.id(), "web", now());
            tx.authorities().put(new OrgAuthority(o.id(), "u", new byte[] {1}, "h", new byte[] {2}, now()));
            tx.certificates().record(cert(tx.certificates().nextSerial(), o, p, List.of("alice")));
            tx.tokens().create(new ApiToken("aa".repeat(32), p.id(), TokenKind.SESSION, now(), now(), null));
            tx.audit().append(new AuditEvent(0, now(), "alice@example.com", "acme", "org.create", "acme", null, null));
            tx.settings().putIfAbsent("s", new byte[] {1});
            throw boom;
        })).isSameAs(boom);

        assertThat(store.orgs().byName("acme")).isEmpty();
        assertThat(store.people().byEmail("alice@example.com")).isEmpty();
        assertThat(store.orgs().forPerson(existing.id())).isEmpty();
        assertThat(store.tokens().byHash("aa".repeat(32))).isEmpty();
        assertThat(store.audit().list(null, 10)).isEmpty();
        assertThat(store.settings().get("s")).isEmpty();
    }

    @Test
    void transactionSeesItsOwnWritesAndOthersDoNotUntilCommit() {
        store.inTransaction(tx -> {
            tx.orgs().create("acme", now());
            assertThat(tx.orgs().byName("acme")).isPresent();
            assertThat(store.orgs().byName("acme")).isEmpty();
            return null;
        });

        assertThat(store.orgs().byName("acme")).isPresent();
    }

    @Test
    void conflictInsideTransactionCanBeHandledAndTheRestCommits() {
        org("acme");

        Org chosen = store.inTransaction(tx -> {
            try {
                return tx.orgs().create("acme", now());
            } catch (ConflictException taken) {
                return tx.orgs().create("acme-2", now());
            }
        });

        assertThat(chosen.name()).isEqualTo("acme-2");
        assertThat(store.orgs().byName("acme-2")).contains(chosen);
    }

    @Test
    void getOrCreateAndPutIfAbsentWorkInsideTransactions() {
        Person bob = person("bob@example.com");
        store.settings().putIfAbsent("k", new byte[] {7});

        store.inTransaction(tx -> {
            assertThat(tx.people().getOrCreate("BOB@example.com", now())).isEqualTo(bob);
            assertThat(tx.settings().putIfAbsent("k", new byte[] {8})).containsExactly(7);
            return null;
        });
    }

    @Test
    void nestedTransactionJoinsTheOuterOne() {
        assertThatThrownBy(() -> store.inTransaction(tx -> {
            tx.inTransaction(inner -> inner.orgs().create("acme", now()));
            throw new IllegalStateException("outer fails");
        })).hasMessage("outer fails");

        assertThat(store.orgs().byName("acme")).isEmpty();
    }

    @Test
    void transactionStoreIsUnusableAfterItsTransaction() {
        Store leaked = store.inTransaction(tx -> tx);

        assertThatThrownBy(() -> leaked.orgs().byName("acme"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("after its transaction ended");
    }

    // ---- lifecycle

    @Test
    void pingAnswersWhileOpenAndNotAfterClose() {
        assertThat(store.ping()).isTrue();

        store.close();

        assertThat(store.ping()).isFalse();
        store = null;
    }

    @Test
    void reopenedStoreKeepsDataAndNeverReusesSerials() {
        Org acme = org("acme");
        Person alice = person("alice@example.com");
        store.orgs().addMember(acme.id(), alice.id(), Role.OWNER, now());
        IssuedCertificate c = issue(acme, alice);
        store.settings().putIfAbsent("k", new byte[] {42});
        AuditEvent e = store.audit().append(new AuditEvent(0, now(), "a", "acme", "x", null, null, null));

        store.close();
        store = openStore();

        assertThat(store.orgs().byName("acme")).contains(acme);
        assertThat(store.orgs().members(acme.id())).extracting(Membership::email).containsExactly("alice@example.com");
        assertThat(store.certificates().bySerial(acme.id(), c.serial())).contains(c);
        assertThat(store.settings().get("k").orElseThrow()).containsExactly(42);
        assertThat(store.audit().list(null, 5)).containsExactly(e);
        assertThat(store.certificates().nextSerial()).isGreaterThan(c.serial());
    }

    /** Runs {@code task} on {@code threads} threads released at once; returns their results. */
    private static <T> List<T> race(int threads, Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return task.call();
                }));
            }
            assertThat(ready.await(10, TimeUnit.SECONDS)).as("threads started").isTrue();
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(30, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}

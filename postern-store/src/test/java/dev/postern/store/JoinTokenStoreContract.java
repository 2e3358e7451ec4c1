package dev.postern.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.testing.MutableClock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Join-token ids, revocation and offboarding deletes (issue 10); mixed into each database's suite. */
interface JoinTokenStoreContract {
    Store store();

    MutableClock clock();

    private App app(String org, String app) {
        Instant now = clock().instant();
        Org o = store().orgs().create(org, now);
        return store().apps().create(o.id(), app, now);
    }

    @Test
    default void joinTokensGetIncreasingIdsAndListNewestFirstWithTheirState() {
        App app = app("acme", "web");
        Instant now = clock().instant();
        store().machines().createJoinToken(new JoinToken("ha", app.orgId(), app.id(), 2, now.plusSeconds(600),
                "boss@example.com", now));
        store().machines().createJoinToken(new JoinToken("hb", app.orgId(), app.id(), 1, now.plusSeconds(60),
                "ann@example.com", now));
        var list = store().joinTokens().forApp(app.id());
        assertThat(list).hasSize(2);
        assertThat(list.get(0).id()).isGreaterThan(list.get(1).id());
        assertThat(list.get(0).token().hash()).isEqualTo("hb");
        long a = list.get(1).id();
        assertThat(store().joinTokens().byId(a).orElseThrow().state(now)).isEqualTo(JoinTokenState.ACTIVE);
        assertThat(store().joinTokens().byHash("hb").orElseThrow().state(now.plusSeconds(60)))
                .isEqualTo(JoinTokenState.EXPIRED);
        assertThat(store().machines().consumeJoinToken("hb", now)).isTrue();
        assertThat(store().joinTokens().byHash("hb").orElseThrow().state(now)).isEqualTo(JoinTokenState.USED_UP);
        assertThat(store().joinTokens().byId(9_999_999)).isEmpty();
    }

    @Test
    default void revokedJoinTokenCannotBeUsedAndRevokesOnce() {
        App app = app("acme", "web");
        Instant now = clock().instant();
        store().machines().createJoinToken(new JoinToken("hr", app.orgId(), app.id(), 5, now.plusSeconds(600),
                "boss@example.com", now));
        long id = store().joinTokens().byHash("hr").orElseThrow().id();
        assertThat(store().joinTokens().revoke(id, now, "boss@example.com")).isTrue();
        assertThat(store().joinTokens().revoke(id, now, "boss@example.com")).as("second time").isFalse();
        assertThat(store().machines().consumeJoinToken("hr", now)).isFalse();
        JoinTokenEntry e = store().joinTokens().byId(id).orElseThrow();
        assertThat(e.state(now)).isEqualTo(JoinTokenState.REVOKED);
        assertThat(e.revokedBy()).isEqualTo("boss@example.com");
        assertThat(e.token().usesLeft()).isEqualTo(5);
    }

    @Test
    default void activeTokensByCreatorLeaveOutOthersRevokedExpiredAndUsedUp() {
        App app = app("acme", "web");
        Instant now = clock().instant();
        store().machines().createJoinToken(new JoinToken("k1", app.orgId(), app.id(), 3, now.plusSeconds(600),
                "jane@example.com", now));
        store().machines().createJoinToken(new JoinToken("k2", app.orgId(), app.id(), 3, now.plusSeconds(1),
                "jane@example.com", now));
        store().machines().createJoinToken(new JoinToken("k3", app.orgId(), app.id(), 1, now.plusSeconds(600),
                "jane@example.com", now));
        store().machines().createJoinToken(new JoinToken("k4", app.orgId(), app.id(), 3, now.plusSeconds(600),
                "jane@example.com", now));
        store().machines().createJoinToken(new JoinToken("k5", app.orgId(), app.id(), 3, now.plusSeconds(600),
                "boss@example.com", now));
        assertThat(store().machines().consumeJoinToken("k3", now)).isTrue();
        store().joinTokens().revoke(store().joinTokens().byHash("k4").orElseThrow().id(), now, "boss@example.com");
        assertThat(store().joinTokens().activeCreatedBy(app.orgId(), "JANE@example.com", now.plusSeconds(2)))
                .extracting(t -> t.token().hash()).containsExactly("k1");
    }

    @Test
    default void offboardingDeletesSessionsAndOnlyUnusedInvites() {
        Instant now = clock().instant();
        Person jane = store().people().create("jane@example.com", now);
        Person ann = store().people().create("ann@example.com", now);
        Instant later = now.plusSeconds(3600);
        store().tokens().create(new ApiToken("s1", jane.id(), TokenKind.SESSION, now, later, null));
        store().tokens().create(new ApiToken("s2", jane.id(), TokenKind.SESSION, now, later, null));
        store().tokens().create(new ApiToken("i1", jane.id(), TokenKind.INVITE, now, later, null));
        store().tokens().create(new ApiToken("i2", jane.id(), TokenKind.INVITE, now, later, null));
        store().tokens().markUsed("i2", now);
        store().tokens().create(new ApiToken("s3", ann.id(), TokenKind.SESSION, now, later, null));
        assertThat(store().tokens().deleteUnusedInvites(jane.id())).isEqualTo(1);
        assertThat(store().tokens().byHash("i1")).isEmpty();
        assertThat(store().tokens().byHash("s1")).as("sessions untouched by the invite delete").isPresent();
        assertThat(store().tokens().deleteSessions(jane.id())).isEqualTo(2);
        assertThat(store().tokens().byHash("s1")).isEmpty();
        assertThat(store().tokens().byHash("s3")).as("someone else's").isPresent();
    }
}

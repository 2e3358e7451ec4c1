package dev.postern.server;

import dev.postern.common.api.JoinTokenSummary;
import dev.postern.common.api.RemoveMemberResponse;
import dev.postern.store.App;
import dev.postern.store.JoinTokenEntry;
import dev.postern.store.Org;
import dev.postern.store.Person;
import dev.postern.store.Store;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What removing a member takes away besides the membership, in the removal's transaction: their pending
 * one-time login tokens (always: a token is for the person, not the org, and whoever holds it could log in as
 * them), and their API sessions when this was their last org (sessions are per person; while they belong to
 * other orgs their login stays, and this org answers them 404 from now on), and the join tokens of the org they
 * created that could still admit machines (else a removed admin keeps joining hosts of their own to the org's
 * apps, which members then reach through the gateway); those are revoked, not deleted, so `tokens list` still shows
 * them and who revoked them.
 */
final class Offboarding {
    private final long serverAdminId;

    Offboarding(long serverAdminId) {
        this.serverAdminId = serverAdminId;
    }

    RemoveMemberResponse run(Store tx, Org org, Person person, int certificatesRevoked, Instant now, String by) {
        int invites = tx.tokens().deleteUnusedInvites(person.id());
        boolean otherOrgs = !tx.orgs().forPerson(person.id()).isEmpty();
        // the server admin keeps their login: it is how the server is run, not a right the org gave
        int sessions = otherOrgs || person.id() == serverAdminId ? 0 : tx.tokens().deleteSessions(person.id());
        Map<Long, String> apps = tx.apps().forOrg(org.id()).stream().collect(Collectors.toMap(App::id, App::name));
        List<JoinTokenEntry> active = tx.joinTokens().activeCreatedBy(org.id(), person.email(), now);
        active.forEach(t -> tx.joinTokens().revoke(t.id(), now, by));
        List<JoinTokenSummary> tokens = active.stream()
                .map(t -> tx.joinTokens().byId(t.id()).orElse(t))
                .map(t -> JoinTokenRoutes.summary(t, org, apps.getOrDefault(t.token().appId(), "?"), now))
                .toList();
        return new RemoveMemberResponse(person.email(), certificatesRevoked, sessions, invites,
                otherOrgs || person.id() == serverAdminId, tokens);
    }

    /** The audit detail: counts only. */
    static String detail(RemoveMemberResponse r) {
        return r.certificatesRevoked() + " certificate(s) revoked, " + r.sessionsEnded() + " session(s) ended, "
                + r.invitesRevoked() + " invite(s) revoked, " + r.joinTokensRevoked().size()
                + " join token(s) they created revoked";
    }
}

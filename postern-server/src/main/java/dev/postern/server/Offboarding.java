package dev.postern.server;

import dev.postern.common.api.JoinTokenSummary;
import dev.postern.common.api.RemoveMemberResponse;
import dev.postern.store.App;
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
 * other orgs their login stays, and this org answers them 404 from now on). Also lists what cannot be revoked
 * for them because it is not theirs alone: join tokens they created that could still admit machines.
 */
final class Offboarding {
    private final long serverAdminId;

    Offboarding(long serverAdminId) {
        this.serverAdminId = serverAdminId;
    }

    RemoveMemberResponse run(Store tx, Org org, Person person, int certificatesRevoked, Instant now) {
        int invites = tx.tokens().deleteUnusedInvites(person.id());
        boolean otherOrgs = !tx.orgs().forPerson(person.id()).isEmpty();
        // the server admin keeps their login: it is how the server is run, not a right the org gave
        int sessions = otherOrgs || person.id() == serverAdminId ? 0 : tx.tokens().deleteSessions(person.id());
        Map<Long, String> apps = tx.apps().forOrg(org.id()).stream().collect(Collectors.toMap(App::id, App::name));
        List<JoinTokenSummary> tokens = tx.joinTokens().activeCreatedBy(org.id(), person.email(), now).stream()
                .map(t -> JoinTokenRoutes.summary(t, org, apps.getOrDefault(t.token().appId(), "?"), now))
                .toList();
        return new RemoveMemberResponse(person.email(), certificatesRevoked, sessions, invites,
                otherOrgs || person.id() == serverAdminId, tokens);
    }

    /** The audit detail: counts only. */
    static String detail(RemoveMemberResponse r) {
        return r.certificatesRevoked() + " certificate(s) revoked, " + r.sessionsEnded() + " session(s) ended, "
                + r.invitesRevoked() + " invite(s) revoked, " + r.joinTokensToRevoke().size()
                + " join token(s) they created still active";
    }
}

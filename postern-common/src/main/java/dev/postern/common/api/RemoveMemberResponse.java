package dev.postern.common.api;

import java.util.List;

/**
 * What {@code DELETE /v1/orgs/{org}/members/{email}} did, and what is left for the admin to rotate by hand.
 *
 * @param certificatesRevoked  their certificates of this org, now in its KRL
 * @param sessionsEnded        their API sessions ended (all of them, when this was their last org; else 0)
 * @param invitesRevoked       their one-time login tokens not used yet, deleted
 * @param otherOrgs            true when they still belong to other orgs (their login stays, for those only)
 * @param joinTokensRevoked   join tokens of this org they created that could still admit machines, revoked by the removal
 */
public record RemoveMemberResponse(String email, int certificatesRevoked, int sessionsEnded, int invitesRevoked,
                                   boolean otherOrgs, List<JoinTokenSummary> joinTokensRevoked) {
    public RemoveMemberResponse {
        joinTokensRevoked = List.copyOf(joinTokensRevoked);
    }
}

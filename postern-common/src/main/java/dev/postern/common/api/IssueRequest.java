package dev.postern.common.api;

import java.util.List;

/**
 * Body of {@code POST /v1/orgs/{org}/certificates}.
 *
 * @param email the person the certificate is for; null means the caller
 * @param publicKey the OpenSSH public key line generated on the client
 * @param principals login names; null or empty means the role's default (a member: the logins their grants give)
 * @param hours validity, 1..72
 * @param apps the apps the certificate is good for ({@code postern-apps@postern.dev}); null or empty means every
 *     app the subject may reach (owners and admins: {@code *}; members: the apps they hold grants on)
 */
public record IssueRequest(String email, String publicKey, List<String> principals, int hours, List<String> apps) {
    /** A request for every app the subject may reach. */
    public IssueRequest(String email, String publicKey, List<String> principals, int hours) {
        this(email, publicKey, principals, hours, null);
    }
}

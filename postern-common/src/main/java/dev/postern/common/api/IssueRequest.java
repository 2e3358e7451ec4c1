package dev.postern.common.api;

import java.util.List;

/**
 * Body of {@code POST /v1/orgs/{org}/certificates}.
 *
 * @param email the person the certificate is for; null means the caller
 * @param publicKey the OpenSSH public key line generated on the client
 * @param principals login names; null or empty means the role's default
 * @param hours validity, 1..72
 */
public record IssueRequest(String email, String publicKey, List<String> principals, int hours) {
}

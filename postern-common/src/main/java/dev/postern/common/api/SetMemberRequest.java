package dev.postern.common.api;

/** Body of {@code PATCH /v1/orgs/{org}/members/{email}}: the member's new login in the org. */
public record SetMemberRequest(String login) {
}

package dev.postern.common.api;

/** Body of {@code POST /v1/orgs/{org}/members}; role is {@code owner|admin|member}. */
public record AddMemberRequest(String email, String role) {
}

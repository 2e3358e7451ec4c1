package dev.postern.common.api;

/** Body of {@code POST /v1/orgs/{org}/revocations}: exactly one of serial and email. */
public record RevokeRequest(Long serial, String email) {
}

package dev.postern.common.api;

/**
 * Body of {@code POST /v1/orgs/{org}/apps/{app}/join-tokens}.
 *
 * @param uses how many machines may join with it (1..1000)
 * @param ttlSeconds how long it is valid (60 s .. 30 days)
 */
public record CreateJoinTokenRequest(int uses, long ttlSeconds) {
}

package dev.postern.common.api;

/** Body of {@code POST /v1/orgs}. */
public record CreateOrgRequest(String name) {
}

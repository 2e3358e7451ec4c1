package dev.postern.common.api;

/** Body of {@code POST /v1/orgs/{org}/apps}. */
public record CreateAppRequest(String name) {
}

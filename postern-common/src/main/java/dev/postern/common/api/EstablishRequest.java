package dev.postern.common.api;

/** Body of {@code POST /v1/orgs/{org}/ca}; {@code override} replaces an existing CA. */
public record EstablishRequest(boolean override) {
}

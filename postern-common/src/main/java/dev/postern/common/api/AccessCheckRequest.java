package dev.postern.common.api;

/**
 * Body of {@code POST /v1/orgs/{org}/apps/{app}/access/check}: may {@code email} reach the app (that machine,
 * when {@code machine} is given) as {@code login}? Nothing is connected to.
 */
public record AccessCheckRequest(String email, String login, String machine) {
}

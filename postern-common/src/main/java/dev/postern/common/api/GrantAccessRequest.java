package dev.postern.common.api;

import java.util.List;

/**
 * Body of {@code POST /v1/orgs/{org}/apps/{app}/access}: let member {@code email} reach the app's machines as
 * one of {@code logins} (replacing any grant they had on it).
 */
public record GrantAccessRequest(String email, List<String> logins) {
}

package dev.postern.common.api;

/**
 * One org a person belongs to, with their role there ({@code owner|admin|member}) and the login name their
 * certificates carry by default there ({@code root} for owners and admins, the login the org gave them for
 * members; null for a member who has none yet).
 */
public record OrgRole(String org, String role, String defaultLogin) {
}

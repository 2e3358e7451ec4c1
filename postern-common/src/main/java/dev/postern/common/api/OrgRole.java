package dev.postern.common.api;

/**
 * One org a person belongs to, with their role there ({@code owner|admin|member}) and the login name their
 * certificates carry by default there ({@code root} for owners and admins, their own name for members).
 */
public record OrgRole(String org, String role, String defaultLogin) {
}

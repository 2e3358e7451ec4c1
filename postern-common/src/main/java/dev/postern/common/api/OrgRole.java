package dev.postern.common.api;

/** One org a person belongs to, with their role there ({@code owner|admin|member}). */
public record OrgRole(String org, String role) {
}

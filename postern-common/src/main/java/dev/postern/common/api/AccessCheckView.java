package dev.postern.common.api;

/** The answer of an access check: {@code allowed}, and why (the grant or role that allows, or what is missing). */
public record AccessCheckView(boolean allowed, String reason) {
}

package dev.postern.common.api;

/** Every non-2xx API answer: a message that names the problem and the fix. */
public record ErrorBody(String error) {
}

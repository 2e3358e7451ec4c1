package dev.postern.common.api;

import java.time.Instant;

/**
 * One secret as listed: never its value.
 *
 * @param digest first 16 hex digits of an HMAC-SHA256 of the value under a server key (compare two digests to
 *               tell whether a value changed; it cannot be brute-forced without the server's master key); null
 *               when the newest change unsets the name
 * @param state  {@code deployed}, {@code staged} (set, not deployed yet) or {@code staged-unset}
 */
public record SecretView(String name, long version, String digest, String setBy, Instant setAt, String state) {
}

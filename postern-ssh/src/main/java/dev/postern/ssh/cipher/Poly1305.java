package dev.postern.ssh.cipher;

/**
 * The one-time authenticator (RFC 8439 section 2.5) as {@link ChaCha20Poly1305} uses it: keyed afresh for every
 * packet, fed the encrypted length and payload, and asked for the 16-byte tag. Implementations only adapt a vetted
 * Poly1305 (the JDK's or MINA's, see {@link Poly1305Choice}); none computes it here.
 */
interface Poly1305 {
    /** Starts a new tag under {@code key}: 32 bytes, r then s. */
    void init(byte[] key) throws Exception;

    void update(byte[] input, int offset, int length);

    /** Writes the 16-byte tag of everything since {@link #init} to {@code out} at {@code offset}. */
    void finish(byte[] out, int offset) throws Exception;
}

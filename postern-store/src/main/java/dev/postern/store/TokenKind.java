package dev.postern.store;

/** What a bearer token is for. */
public enum TokenKind {
    /** One-time token (bootstrap or member invite) that {@code postern auth login} exchanges for a session token. */
    INVITE,
    /** Long-lived API token held by the CLI after login. */
    SESSION
}

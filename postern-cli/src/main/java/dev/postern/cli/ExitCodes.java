package dev.postern.cli;

/** The exit codes scripts can rely on; documented in docs/CLI.md. */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;
    /** Anything not covered below (a bug, an I/O failure, an unexpected server answer). */
    public static final int FAILURE = 1;
    /** Bad input or usage; also API 400, 404, 409 and 412. Nothing was changed. */
    public static final int USAGE = 2;
    /** Not logged in, token unknown or expired, or not allowed (API 401, 403). */
    public static final int AUTH = 3;
    /** The server could not be reached. */
    public static final int UNREACHABLE = 4;

    private ExitCodes() {
    }
}

package dev.postern.cli.client;

import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;

/** A non-2xx answer from the API, carrying the HTTP status and the server's {@code error} text. */
public final class ApiException extends CliException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String serverError;

    public ApiException(int status, String serverError, String message) {
        super(exitCodeFor(status), message);
        this.status = status;
        this.serverError = serverError;
    }

    /** 400, 404, 409, 412 are the caller's input; 401, 403 are authorization; anything else is a failure. */
    public static int exitCodeFor(int status) {
        switch (status) {
            case 400:
            case 404:
            case 409:
            case 412:
                return ExitCodes.USAGE;
            case 401:
            case 403:
                return ExitCodes.AUTH;
            default:
                return ExitCodes.FAILURE;
        }
    }

    public int status() {
        return status;
    }

    /** The server's own {@code error} text, without client hints. */
    public String serverError() {
        return serverError;
    }
}

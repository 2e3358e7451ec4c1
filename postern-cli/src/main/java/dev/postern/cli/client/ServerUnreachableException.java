package dev.postern.cli.client;

import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import java.net.ConnectException;
import java.net.UnknownHostException;

/** The server did not answer at all: refused, timed out, or the host name does not resolve. */
public final class ServerUnreachableException extends CliException {
    private static final long serialVersionUID = 1L;

    public ServerUnreachableException(String url, Throwable cause) {
        super(ExitCodes.UNREACHABLE, "cannot reach the Postern server at " + url + " (" + describe(cause)
                + "); is it running? Start one with 'postern server', or log in to another with "
                + "'postern auth login --server URL --token T'", cause);
    }

    private static String describe(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "connection refused";
            }
            if (t instanceof BlockingHttp.ConnectTimedOut) {
                return "connect timed out";
            }
            if (t instanceof UnknownHostException) {
                return "unknown host";
            }
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}

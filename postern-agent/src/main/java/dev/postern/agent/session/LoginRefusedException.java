package dev.postern.agent.session;

/**
 * A session cannot start for this login. {@link #getMessage()} is safe to show the SSH client; the
 * exit status follows shell conventions (127: no shell).
 */
final class LoginRefusedException extends Exception {
    private static final long serialVersionUID = 1L;
    final int exitStatus;

    LoginRefusedException(String clientMessage, int exitStatus) {
        super(clientMessage);
        this.exitStatus = exitStatus;
    }
}

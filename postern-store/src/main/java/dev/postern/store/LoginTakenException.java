package dev.postern.store;

/** Thrown when a login is already another member's in the same org. */
public class LoginTakenException extends ConflictException {
    private static final long serialVersionUID = 1L;
    private final String login;

    public LoginTakenException(String login, String message) {
        super(message);
        this.login = login;
    }

    /** The login that is taken. */
    public String login() {
        return login;
    }
}

package dev.postern.store;

/** Thrown when a write would break a uniqueness rule (org name, app name per org, membership, e-mail). */
public class ConflictException extends StoreException {
    private static final long serialVersionUID = 1L;

    public ConflictException(String message) {
        super(message);
    }
}

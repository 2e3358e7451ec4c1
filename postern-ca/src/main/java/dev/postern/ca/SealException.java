package dev.postern.ca;

/**
 * A sealed blob could not be opened: the master key is not the one it was sealed with, the context differs,
 * or the bytes were changed. The message names the context, never key material.
 */
public final class SealException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SealException(String message) {
        super(message);
    }

    SealException(String message, Throwable cause) {
        super(message, cause);
    }
}

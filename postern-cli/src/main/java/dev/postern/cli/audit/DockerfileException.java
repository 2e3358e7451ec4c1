package dev.postern.cli.audit;

/** A Dockerfile Docker itself would refuse; {@link #line()} is 1-based. */
final class DockerfileException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int line;

    DockerfileException(int line, String reason) {
        super(reason);
        this.line = line;
    }

    int line() {
        return line;
    }
}

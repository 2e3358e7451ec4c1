package dev.postern.cli.audit;

import java.util.Comparator;
import java.util.Objects;

/**
 * One problem {@code postern audit config} found: a stable id (docs/AUDIT.md lists them all), where it is
 * ({@code file} as the person named it, {@code line} 1-based), what is wrong and how to fix it. {@code message}
 * never holds a whole secret: values are shown through {@link Secrets#mask}.
 */
public record Finding(String id, Severity severity, String file, int line, String message, String fix) {
    /** The order findings are printed in: by file, then line, then id. */
    static final Comparator<Finding> ORDER = Comparator.comparing(Finding::file)
            .thenComparingInt(Finding::line).thenComparing(Finding::id);

    public Finding {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(fix, "fix");
        if (line < 1) {
            throw new IllegalArgumentException("line " + line + " of " + id + " must be 1 or more");
        }
    }
}

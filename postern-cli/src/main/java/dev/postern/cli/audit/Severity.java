package dev.postern.cli.audit;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How much a finding of {@code postern audit config} matters; printed in lower case. */
public enum Severity {
    /** A secret or a way in is exposed now. */
    HIGH,
    /** Exposure or privilege that one more mistake turns into a breach. */
    MEDIUM,
    /** Hardening: pinning, limits, checks. */
    LOW;

    /** {@code high}, {@code medium} or {@code low}: what the text and JSON outputs print. */
    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

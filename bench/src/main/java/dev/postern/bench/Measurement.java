package dev.postern.bench;

import java.util.Objects;

/**
 * One row of the results table: a metric measured on Postern and its OpenSSH peer in the same run.
 *
 * @param bench the benchmark number of issue 5 (1..8)
 * @param metric what was measured, e.g. "connect+auth+exec true p50"
 * @param unit "ms", "MB/s", "MB", "certs/s", "sessions/s"
 * @param postern Postern's value; null when not run
 * @param openssh the peer's value; null when there is none
 * @param goal the goal in words, e.g. "ratio <= 0.3"; empty when the row is informational
 * @param met whether the goal is met; null when the row has no goal or did not run
 * @param note how it was measured, or why it did not run
 */
record Measurement(int bench, String metric, String unit, Double postern, Double openssh, String goal, Boolean met,
                   String note) {
    Measurement {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(unit, "unit");
        goal = goal == null ? "" : goal;
        note = note == null ? "" : note;
    }

    /** Postern / OpenSSH, or null when either side is missing. */
    public Double ratio() {
        if (postern == null || openssh == null || openssh == 0.0) {
            return null;
        }
        return postern / openssh;
    }

    static Measurement notRun(int bench, String metric, String reason) {
        return new Measurement(bench, metric, "", null, null, "", null, "not run: " + reason);
    }
}

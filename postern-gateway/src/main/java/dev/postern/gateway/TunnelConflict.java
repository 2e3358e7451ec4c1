package dev.postern.gateway;

/**
 * What became of a second tunnel for a machine whose tunnel was up: its live tunnel answered a keepalive, so the
 * newcomer was refused; or it did not answer in time, so it was closed and the newcomer took its place.
 * {@link #tag()} is the metrics label ({@code postern_gateway_tunnel_conflicts_total{outcome=...}}).
 */
public enum TunnelConflict {
    REFUSED("refused"),
    REPLACED("replaced");

    private final String tag;

    TunnelConflict(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}

package dev.postern.server;

import dev.postern.gateway.Gateway;
import dev.postern.gateway.TunnelConflict;
import dev.postern.ssh.PreAuthGuard;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The control plane's Prometheus metrics. */
final class Metrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter certificatesIssued;
    private final Counter errors;
    private final DistributionSummary logBatches;
    private final Map<RequestKey, Counter> requests = new ConcurrentHashMap<>();

    private record RequestKey(String method, String route, int status) {
    }

    Metrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        certificatesIssued = Counter.builder("postern.certificates.issued")
                .description("User certificates signed").register(registry);
        logBatches = DistributionSummary.builder("postern.certificates.log.batch")
                .description("Certificates written per commit of the certificate log (group commit)")
                .register(registry);
        errors = Counter.builder("postern.errors").description("API requests answered with a 5xx status")
                .register(registry);
    }

    /**
     * Exposes the gateway's counters: {@code postern_gateway_tunnel_conflicts_total{outcome}} (second tunnels for
     * a machine with a live one) and {@code postern_ssh_preauth_refused_total{reason}} (connections refused before
     * login, or closed by the auth timeout).
     */
    void gateway(Gateway gateway) {
        for (TunnelConflict outcome : TunnelConflict.values()) {
            FunctionCounter.builder("postern.gateway.tunnel.conflicts", gateway, g -> g.tunnelConflicts(outcome))
                    .description("Second tunnels for a machine whose tunnel was up, by outcome")
                    .tag("outcome", outcome.tag()).register(registry);
        }
        for (PreAuthGuard.Reason reason : PreAuthGuard.Reason.values()) {
            FunctionCounter.builder("postern.ssh.preauth.refused", gateway, g -> g.preAuthRefused(reason))
                    .description("Gateway connections refused before login, or closed by the auth timeout")
                    .tag("reason", reason.tag()).register(registry);
        }
    }

    Counter certificatesIssued() {
        return certificatesIssued;
    }

    /** Records one commit of the certificate log holding {@code size} certificates. */
    void logCommitted(int size) {
        logBatches.record(size);
    }

    /** Counts one finished request by method, route template and status. */
    void request(String method, String route, int status) {
        // the registry's own lookup builds and sorts tags on every call; this map is keyed by a plain record
        requests.computeIfAbsent(new RequestKey(method, route, status), k -> registry.counter("postern.http.requests",
                "method", k.method(), "route", k.route(), "status", Integer.toString(k.status()))).increment();
        if (status >= 500) {
            errors.increment();
        }
    }

    String scrape() {
        return registry.scrape();
    }
}

package dev.postern.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
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

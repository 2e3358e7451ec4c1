package dev.postern.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** The control plane's Prometheus metrics. */
final class Metrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter certificatesIssued;
    private final Counter errors;

    Metrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        certificatesIssued = Counter.builder("postern.certificates.issued")
                .description("User certificates signed").register(registry);
        errors = Counter.builder("postern.errors").description("API requests answered with a 5xx status")
                .register(registry);
    }

    Counter certificatesIssued() {
        return certificatesIssued;
    }

    /** Counts one finished request by method, route template and status. */
    void request(String method, String route, int status) {
        registry.counter("postern.http.requests", "method", method, "route", route, "status",
                Integer.toString(status)).increment();
        if (status >= 500) {
            errors.increment();
        }
    }

    String scrape() {
        return registry.scrape();
    }
}

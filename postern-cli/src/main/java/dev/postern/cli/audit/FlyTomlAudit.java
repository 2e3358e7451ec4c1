package dev.postern.cli.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The fly.toml rules of {@code postern audit config} (docs/AUDIT.md): secrets in {@code [env]} and
 * {@code [build.args]}; public services that look internal or serve SSH; services without health checks or
 * concurrency limits; auto-start without auto-stop; machines without size; unencrypted volumes.
 */
final class FlyTomlAudit {
    /** Ports of data stores that belong on the private network (6PN or Flycast), never on a public service. */
    static final Map<Integer, String> DATABASE_PORTS = Map.of(5432, "PostgreSQL", 3306, "MySQL", 6379, "Redis",
            27017, "MongoDB", 1433, "SQL Server", 9200, "Elasticsearch", 11211, "memcached", 9042, "Cassandra");
    /** Words in an app or process-group name that say "not for the internet". */
    private static final Pattern INTERNAL_NAME = Pattern.compile(
            "(^|[-_])(db|database|postgres|postgresql|pg|mysql|mariadb|redis|mongo|mongodb|memcached|elastic"
                    + "|elasticsearch|internal|private)([-_]|$)");
    private static final int SSH_PORT = 22;

    private final JsonNode root;
    private final TomlLines lines;
    private final String file;
    private final String app;
    private final List<Finding> findings = new ArrayList<>();

    private FlyTomlAudit(JsonNode root, TomlLines lines, String file) {
        this.root = root;
        this.lines = lines;
        this.file = file;
        this.app = Fixes.app(root.path("app").asText(null));
    }

    /** The findings for a parsed fly.toml ({@code root}) whose lines are {@code lines}; {@code file} as shown. */
    static List<Finding> audit(JsonNode root, TomlLines lines, String file) {
        FlyTomlAudit audit = new FlyTomlAudit(root, lines, file);
        audit.secrets();
        audit.services();
        audit.vm();
        audit.mounts();
        return audit.findings;
    }

    private void secrets() {
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("env").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String value = scalar(e.getValue());
            Secrets.why(e.getKey(), value).ifPresent(why -> add("PST-ENV-SECRET", Severity.HIGH,
                    lines.line("env", e.getKey()),
                    "[env] " + Secrets.shortName(e.getKey()) + " " + why + ", in plain text in the file and the "
                            + "machine config: " + Secrets.mask(value),
                    "remove it from [env]; " + Fixes.runtimeSecret(app, e.getKey())));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("build").path("args").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String value = scalar(e.getValue());
            Secrets.why(e.getKey(), value).ifPresent(why -> add("PST-ENV-SECRET", Severity.HIGH,
                    lines.line("build", "args", e.getKey()),
                    "[build.args] " + Secrets.shortName(e.getKey()) + " " + why + ", in plain text in the file and "
                            + "the image history: " + Secrets.mask(value),
                    "remove it from [build.args]; " + Fixes.buildSecret(app, e.getKey())));
        }
    }

    private void services() {
        JsonNode services = root.path("services");
        for (int i = 0; i < services.size(); i++) {
            JsonNode ports = services.get(i).path("ports");
            service(services.get(i), List.of("services", i), "[[services]]", ports.isArray() && ports.size() > 0,
                    hasAny(services.get(i), "tcp_checks", "http_checks"));
        }
        JsonNode http = root.path("http_service");
        if (http.isObject()) {
            service(http, List.of("http_service"), "[http_service]", true, hasAny(http, "checks"));
        }
    }

    private void service(JsonNode service, List<Object> path, String label, boolean publicService, boolean checks) {
        int tableLine = lines.line(path);
        int port = service.path("internal_port").asInt(-1);
        int portLine = lines.line(append(path, "internal_port"));
        if (publicService) {
            internal(service, label, port, portLine, tableLine);
            limits(service, path, label, tableLine);
        }
        if (!checks) {
            String keys = label.equals("[http_service]") ? "[[http_service.checks]]"
                    : "[[services.http_checks]] or [[services.tcp_checks]]";
            add("PST-SVC-NO-CHECKS", Severity.LOW, tableLine, label + " (internal_port " + port + ") has no health "
                            + "check: the proxy keeps sending traffic to a machine that stopped answering",
                    "add " + keys + " with a short interval and timeout (e.g. interval = \"15s\", timeout = \"2s\")");
        }
        if (service.path("auto_start_machines").asBoolean(false) && !stops(service.get("auto_stop_machines"))) {
            add("PST-SCALE-NO-STOP", Severity.LOW, lines.line(append(path, "auto_start_machines")),
                    label + " starts machines on demand (auto_start_machines = true) but never stops them: any "
                            + "client on the internet can wake every machine of the app and keep it running",
                    "set auto_stop_machines = \"stop\" (or \"suspend\") and min_machines_running to what you need; "
                            + "the ceiling is the number of machines (fly scale count)");
        }
    }

    /** A public service that should be internal: SSH, a database port, an internal process group or app. */
    private void internal(JsonNode service, String label, int port, int portLine, int tableLine) {
        if (port == SSH_PORT) {
            add("PST-SVC-SSH", Severity.HIGH, portLine, label + " publishes internal_port 22 (SSH) to the "
                            + "internet: password and key guessing against every machine",
                    "remove this service and use the Postern agent (postern agent in the machine: an outbound "
                            + "tunnel, no inbound port, short-lived certificates); connect with postern ssh console");
            return;
        }
        String reason = null;
        int line = tableLine;
        if (DATABASE_PORTS.containsKey(port)) {
            reason = "publishes internal_port " + port + " (" + DATABASE_PORTS.get(port) + ") to the internet";
            line = portLine;
        } else {
            Optional<String> process = internalProcess(service);
            if (process.isPresent()) {
                reason = "publishes process group '" + Secrets.shortName(process.get())
                        + "', named like an internal service, to the internet";
            } else if (INTERNAL_NAME.matcher(root.path("app").asText("")).find()) {
                reason = "publishes app '" + Secrets.shortName(root.path("app").asText())
                        + "', named like an internal service, to the internet";
            }
        }
        if (reason != null) {
            add("PST-SVC-INTERNAL", Severity.MEDIUM, line, label + " " + reason,
                    "remove the public ports and reach it over the private network (" + app + ".internal) or a "
                            + "private Flycast address (fly ips allocate-v6 --private); if the app really is "
                            + "public, rename what misleads");
        }
    }

    private Optional<String> internalProcess(JsonNode service) {
        for (JsonNode p : service.path("processes")) {
            if (INTERNAL_NAME.matcher(p.asText("")).find()) {
                return Optional.of(p.asText());
            }
        }
        return Optional.empty();
    }

    /** Concurrency limits: a hard limit, and a soft limit not above it. */
    private void limits(JsonNode service, List<Object> path, String label, int tableLine) {
        JsonNode concurrency = service.path("concurrency");
        List<Object> at = append(path, "concurrency");
        String fix = "set " + label.replace("[[", "[").replace("]]", "]").replace("]", ".concurrency]")
                + " type = \"requests\" (or \"connections\"), soft_limit and hard_limit to what one machine "
                + "can serve (soft_limit <= hard_limit)";
        if (!concurrency.has("hard_limit")) {
            add("PST-SVC-NO-LIMIT", Severity.LOW, concurrency.isObject() ? lines.line(at) : tableLine,
                    label + " has no concurrency hard_limit: each machine takes the proxy's default load, and "
                            + "auto-start and load shedding are not tied to what the app can serve",
                    fix);
        } else if (concurrency.path("soft_limit").asInt(0) > concurrency.path("hard_limit").asInt(0)) {
            add("PST-SVC-NO-LIMIT", Severity.LOW, lines.line(append(at, "soft_limit")),
                    label + " concurrency soft_limit " + concurrency.path("soft_limit").asInt() + " is above "
                            + "hard_limit " + concurrency.path("hard_limit").asInt() + ": the hard limit is hit "
                            + "before more machines are started", fix);
        }
    }

    private void vm() {
        JsonNode vm = root.path("vm");
        if (vm.isMissingNode() || vm.isArray() && vm.isEmpty()) {
            add("PST-VM-NO-LIMITS", Severity.LOW, 1, "no [[vm]] section: machine size (memory, CPUs) is left to "
                            + "defaults and to whoever runs fly scale",
                    "add [[vm]] with size = \"shared-cpu-1x\" or memory = \"512mb\" and cpus = 1 (cpu_kind = "
                            + "\"shared\")");
            return;
        }
        List<JsonNode> entries = new ArrayList<>();
        if (vm.isArray()) {
            vm.forEach(entries::add);
        } else {
            entries.add(vm);
        }
        for (int i = 0; i < entries.size(); i++) {
            JsonNode entry = entries.get(i);
            boolean memory = hasKey(entry, "memory", "memory_mb", "size");
            boolean cpu = hasKey(entry, "cpus", "cpu_kind", "size");
            if (!memory || !cpu) {
                List<Object> path = vm.isArray() ? List.of("vm", i) : List.of("vm");
                add("PST-VM-NO-LIMITS", Severity.LOW, lines.line(path), "[[vm]] sets no " + (memory ? "CPU"
                                : cpu ? "memory" : "memory or CPU") + " limit",
                        "set size = \"shared-cpu-1x\", or memory = \"512mb\" and cpus = 1, in [[vm]]");
            }
        }
    }

    private void mounts() {
        JsonNode mounts = root.path("mounts");
        List<JsonNode> entries = new ArrayList<>();
        if (mounts.isArray()) {
            mounts.forEach(entries::add);
        } else if (mounts.isObject()) {
            entries.add(mounts);
        }
        for (int i = 0; i < entries.size(); i++) {
            JsonNode encrypted = entries.get(i).path("encrypted");
            if (encrypted.isBoolean() && !encrypted.asBoolean() || encrypted.isTextual()
                    && encrypted.asText().equalsIgnoreCase("false")) {
                List<Object> path = mounts.isArray() ? List.of("mounts", i, "encrypted") : List.of("mounts",
                        "encrypted");
                add("PST-MOUNT-UNENCRYPTED", Severity.MEDIUM, lines.line(path), "[mounts] "
                                + Secrets.shortName(entries.get(i).path("source").asText("volume"))
                                + " is not encrypted at rest (encrypted = false)",
                        "remove encrypted = false and create the volume encrypted (the default of fly volumes "
                                + "create, without --no-encryption); copy the data over, then delete the old volume");
            }
        }
    }

    /** Whether auto_stop_machines stops machines: true, "stop" or "suspend"; absent, false and "off" do not. */
    private static boolean stops(JsonNode autoStop) {
        if (autoStop == null || autoStop.isNull()) {
            return false;
        }
        if (autoStop.isBoolean()) {
            return autoStop.asBoolean();
        }
        String text = autoStop.asText("");
        return text.equalsIgnoreCase("stop") || text.equalsIgnoreCase("suspend") || text.equalsIgnoreCase("true");
    }

    private static boolean hasAny(JsonNode node, String... arrays) {
        for (String name : arrays) {
            JsonNode a = node.path(name);
            if (a.isArray() && !a.isEmpty() || a.isObject()) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasKey(JsonNode node, String... keys) {
        for (String key : keys) {
            if (node.hasNonNull(key) && !node.get(key).asText("").isBlank()) {
                return true;
            }
        }
        return false;
    }

    /** A scalar's text; other values (arrays, tables) as their JSON, which secret patterns still see. */
    private static String scalar(JsonNode node) {
        return node.isValueNode() ? node.asText("") : node.toString();
    }

    private static List<Object> append(List<Object> path, Object key) {
        List<Object> longer = new ArrayList<>(path);
        longer.add(key);
        return List.copyOf(longer);
    }

    private void add(String id, Severity severity, int line, String message, String fix) {
        findings.add(new Finding(id, severity, file, line, message, fix));
    }
}

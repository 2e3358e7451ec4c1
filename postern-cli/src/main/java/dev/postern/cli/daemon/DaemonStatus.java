package dev.postern.cli.daemon;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code postern daemon status} shows of a running daemon, sent as "key value" lines.
 *
 * @param fields pid, started (epoch ms), requests, idle (s the daemon waits), socket
 */
record DaemonStatus(Map<String, String> fields) {
    DaemonStatus {
        fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    static DaemonStatus of(CliDaemon d) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("pid", Long.toString(d.pid()));
        f.put("started", Long.toString(d.startedMillis()));
        f.put("requests", Long.toString(d.served()));
        f.put("idle", Long.toString(d.config().idle().toSeconds()));
        f.put("socket", d.config().run().socket().toString());
        f.put("java", Runtime.version().toString());
        return new DaemonStatus(f);
    }

    String text() {
        StringBuilder b = new StringBuilder();
        fields.forEach((k, v) -> b.append(k).append(' ').append(v).append('\n'));
        return b.toString();
    }

    static DaemonStatus parse(String text) {
        Map<String, String> f = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int sp = line.indexOf(' ');
            if (sp > 0) {
                f.put(line.substring(0, sp), line.substring(sp + 1));
            }
        }
        return new DaemonStatus(f);
    }

    long number(String key) {
        try {
            return Long.parseLong(fields.getOrDefault(key, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}

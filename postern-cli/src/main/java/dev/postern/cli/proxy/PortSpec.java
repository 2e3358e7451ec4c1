package dev.postern.cli.proxy;

import dev.postern.cli.CliException;

/** {@code LOCAL[:REMOTE]}: the local port to listen on and the machine's loopback port to reach (default LOCAL). */
record PortSpec(int local, int remote) {
    PortSpec {
        if (local < 1 || local > 65535 || remote < 1 || remote > 65535) {
            throw CliException.usage("ports must be 1..65535, got " + local + ":" + remote);
        }
    }

    static PortSpec parse(String text) {
        String t = text == null ? "" : text.trim();
        if (!t.matches("[0-9]{1,5}(:[0-9]{1,5})?")) {
            throw CliException.usage("'" + text + "' is not LOCAL[:REMOTE]; e.g. 'postern proxy 5432' or "
                    + "'postern proxy 15432:5432'");
        }
        String[] p = t.split(":");
        int local = Integer.parseInt(p[0]);
        return new PortSpec(local, p.length > 1 ? Integer.parseInt(p[1]) : local);
    }
}

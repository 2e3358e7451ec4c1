package dev.postern.testing.netns;

import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One host of a {@link TestNetwork}: a network namespace with loopback up, one interface per switch it is on,
 * its own host name (commands run in a UTS namespace named after it) and optionally its own /etc/hosts. The
 * file system and users are the test machine's.
 *
 * <pre>{@code
 * ProcessResult r = laptop.run(Duration.ofSeconds(10), "ip", "route");
 * Process server = cp.start(dir.resolve("server.log"), Map.of(), List.of("java", "-cp", cp, Main, "server"));
 * }</pre>
 */
public final class Host {
    private static final String SET_HOSTNAME = "hostname \"$0\" && exec \"$@\"";
    private final String name;
    private final String namespace;
    private final Map<String, String> addresses = new LinkedHashMap<>();
    private final Map<String, String> hostsEntries = new LinkedHashMap<>();
    private final List<Process> started = new ArrayList<>();

    Host(String name, String namespace) {
        this.name = name;
        this.namespace = namespace;
    }

    /** The host's name, as {@code hostname} prints it inside. */
    public String name() {
        return name;
    }

    /** The {@code ip netns} name (unique to this run). */
    public String namespace() {
        return namespace;
    }

    /** The host's IPv4 address on switch {@code switchName}. */
    public String address(String switchName) {
        String a = addresses.get(switchName);
        if (a == null) {
            throw new IllegalArgumentException(name + " is not on switch " + switchName + "; it is on "
                    + addresses.keySet());
        }
        return a;
    }

    void addAddress(String switchName, String address) {
        addresses.put(switchName, address);
    }

    /**
     * Makes {@code hostName} resolve to {@code address} for programs started here from now on (an /etc/hosts
     * of this host's own, which {@code ip netns exec} mounts): split-horizon names, so one advertised name
     * reaches the control plane from both networks.
     */
    public Host resolve(String hostName, String address) {
        hostsEntries.put(hostName, address);
        StringBuilder hosts = new StringBuilder("127.0.0.1 localhost\n::1 localhost ip6-localhost\n127.0.1.1 ")
                .append(name).append('\n');
        hostsEntries.forEach((h, a) -> hosts.append(a).append(' ').append(h).append('\n'));
        try {
            Path dir = Namespaces.ETC_NETNS.resolve(namespace);
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("hosts"), hosts);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /**
     * Lets this host open connections only to {@code peers} (and itself), and accept none: inbound packets pass
     * only as replies to its own connections (nftables, in this namespace only), as a machine behind a NAT or
     * a strict firewall.
     */
    public Host onlyOutboundTo(String... peers) {
        String rules = "table inet postern_test {\n"
                + "  chain input { type filter hook input priority 0; policy drop;\n"
                + "    iif \"lo\" accept; ct state established,related accept; }\n"
                + "  chain output { type filter hook output priority 0; policy drop;\n"
                + "    oif \"lo\" accept; ct state established,related accept;\n"
                + (peers.length == 0 ? "" : "    ip daddr { " + String.join(", ", peers) + " } accept;\n")
                + "  }\n}\n";
        ProcessResult r = Processes.run(Duration.ofSeconds(20), List.of("ip", "netns", "exec", namespace, "nft",
                "-f", "-"), rules.getBytes(java.nio.charset.StandardCharsets.UTF_8), Map.of(), null);
        if (r.exitCode() != 0) {
            throw new IllegalStateException("nft in " + namespace + " failed: " + r + "\n" + rules);
        }
        return this;
    }

    /** Runs {@code command} inside this host and waits for it, bounded by {@code timeout}. */
    public ProcessResult run(Duration timeout, String... command) {
        return run(timeout, Map.of(), List.of(command));
    }

    /** Runs {@code command} inside this host with extra environment variables and no stdin. */
    public ProcessResult run(Duration timeout, Map<String, String> env, List<String> command) {
        return Processes.run(timeout, inside(command), null, env, null);
    }

    /**
     * Starts a long-running {@code command} inside this host (a server, an agent), stdout and stderr to
     * {@code log}; {@link #close} or the network's close ends it.
     */
    public Process start(Path log, Map<String, String> env, List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(inside(command)).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            synchronized (started) {
                started.add(p);
            }
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command + " in " + name, e);
        }
    }

    /** Stops {@code p} as Ctrl-C would (SIGTERM, so shutdown hooks run), killing it if it lingers past 15 s. */
    public static void stop(Process p) {
        p.destroy();
        try {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The command line that runs {@code command} in this namespace under this host's name. */
    List<String> inside(List<String> command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace, "unshare", "--uts", "sh", "-c",
                SET_HOSTNAME, name));
        cmd.addAll(command);
        return cmd;
    }

    /** Kills what this host started (the namespace itself goes with the network). */
    void close() {
        List<Process> all;
        synchronized (started) {
            all = List.copyOf(started);
            started.clear();
        }
        for (Process p : all) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : all) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return name + " " + addresses;
    }
}

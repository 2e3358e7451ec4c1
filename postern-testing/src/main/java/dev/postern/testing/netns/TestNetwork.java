package dev.postern.testing.netns;

import dev.postern.testing.Processes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Hosts and switches made of Linux network namespaces, for tests that need more than one host: each switch is a
 * bridge in a namespace of its own, each host a namespace wired to its switches by veth pairs. Nothing is
 * created in the test machine's own namespace, and no namespace routes to another network or to the outside, so
 * traffic stays among the namespaces made here. Names carry this JVM's pid and a counter, so runs in parallel
 * never collide; namespaces of crashed runs are removed when the next network is created.
 *
 * <pre>{@code
 * try (TestNetwork net = TestNetwork.create()) {
 *     net.addSwitch("people", "198.51.100");
 *     Host cp = net.addHost("cp");
 *     net.connect(cp, "people", 1);            // cp is 198.51.100.1/24 on its interface "people"
 * }
 * }</pre>
 */
public final class TestNetwork implements AutoCloseable {
    /** Set to 1 (scripts/test does) to fail, rather than skip, where the kit cannot run. */
    public static final String REQUIRED_ENV = "POSTERN_TEST_NETNS";
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]{0,9}");
    private static final Pattern PREFIX24 = Pattern.compile("(\\d{1,3}\\.){2}\\d{1,3}");
    private static volatile String unavailableBecause;
    private static volatile boolean checked;

    private final String prefix;
    private final Map<String, String> switches = new LinkedHashMap<>();
    private final Map<String, Host> hosts = new LinkedHashMap<>();
    private final List<String> namespaces = new ArrayList<>();
    private final Thread onExit = new Thread(this::close, "test-network-cleanup");
    private boolean closed;

    private TestNetwork(String prefix) {
        this.prefix = prefix;
    }

    /** A new, empty network; first removes what crashed runs left. */
    public static TestNetwork create() {
        Namespaces.removeStale();
        TestNetwork net = new TestNetwork(Namespaces.PREFIX + ProcessHandle.current().pid() + "-"
                + COUNTER.incrementAndGet() + "-");
        Runtime.getRuntime().addShutdownHook(net.onExit);
        return net;
    }

    /** Whether this machine can build one: root, {@code ip}, {@code nft} and {@code unshare}, namespaces allowed. */
    public static boolean available() {
        return reasonUnavailable() == null;
    }

    /** Skips the calling test where the kit cannot run, or fails it when {@value #REQUIRED_ENV} is 1 (CI). */
    public static void assumeAvailable() {
        String why = reasonUnavailable();
        if (why != null && "1".equals(System.getenv(REQUIRED_ENV))) {
            throw new AssertionError("network namespace tests are required (" + REQUIRED_ENV + "=1) but " + why);
        }
        Assumptions.assumeTrue(why == null, () -> "network namespace tests skipped: " + why);
    }

    private static synchronized String reasonUnavailable() {
        if (!checked) {
            unavailableBecause = probe();
            checked = true;
        }
        return unavailableBecause;
    }

    private static String probe() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "not running as root";
        }
        for (String tool : List.of("ip", "nft", "unshare")) {
            if (Processes.run(Duration.ofSeconds(10), List.of("sh", "-c", "command -v " + tool)).exitCode() != 0) {
                return tool + " is not installed (apt-get install iproute2 nftables util-linux)";
            }
        }
        String probe = Namespaces.PREFIX + ProcessHandle.current().pid() + "-0-probe";
        var r = Processes.run(Duration.ofSeconds(10), List.of("ip", "netns", "add", probe));
        Processes.run(Duration.ofSeconds(10), List.of("ip", "netns", "delete", probe));
        return r.exitCode() == 0 ? null : "ip netns add failed: " + r.stderr().strip();
    }

    /**
     * Adds a switch (a bridge in its own namespace) for the /24 network {@code prefix24} ("198.51.100"); use
     * RFC 5737 documentation ranges, which are never routed.
     */
    public void addSwitch(String name, String prefix24) {
        check(NAME, name, "switch name");
        check(PREFIX24, prefix24, "network prefix (three octets, e.g. 198.51.100)");
        String ns = newNamespace("sw-" + name);
        Namespaces.must("ip", "-n", ns, "link", "add", "name", "br", "type", "bridge");
        Namespaces.must("ip", "-n", ns, "link", "set", "dev", "br", "up");
        switches.put(name, prefix24);
    }

    /** Adds a host (a namespace with loopback up) on no network yet. */
    public Host addHost(String name) {
        check(NAME, name, "host name");
        if (hosts.containsKey(name)) {
            throw new IllegalArgumentException("host " + name + " exists already");
        }
        Host h = new Host(name, newNamespace(name));
        hosts.put(name, h);
        return h;
    }

    /**
     * Plugs {@code host} into switch {@code switchName} as {@code <prefix>.<number>/24}, on an interface named
     * after the switch; returns the address. Only the /24 is routed: no default route, no forwarding.
     */
    public String connect(Host host, String switchName, int number) {
        String net = switches.get(switchName);
        if (net == null) {
            throw new IllegalArgumentException("no switch " + switchName + "; add it first with addSwitch");
        }
        if (number < 1 || number > 254) {
            throw new IllegalArgumentException("host number " + number + " is outside 1..254");
        }
        String sw = prefix + "sw-" + switchName;
        String address = net + "." + number;
        Namespaces.must("ip", "link", "add", "name", switchName, "netns", host.namespace(), "type", "veth", "peer",
                "name", host.name(), "netns", sw);
        Namespaces.must("ip", "-n", sw, "link", "set", "dev", host.name(), "master", "br", "up");
        Namespaces.must("ip", "-n", host.namespace(), "addr", "add", address + "/24", "dev", switchName);
        Namespaces.must("ip", "-n", host.namespace(), "link", "set", "dev", switchName, "up");
        host.addAddress(switchName, address);
        return address;
    }

    /** The host named {@code name}. */
    public Host host(String name) {
        Host h = hosts.get(name);
        if (h == null) {
            throw new IllegalArgumentException("no host " + name + "; hosts: " + hosts.keySet());
        }
        return h;
    }

    private String newNamespace(String suffix) {
        String ns = prefix + suffix;
        Namespaces.must("ip", "netns", "add", ns);
        namespaces.add(ns);
        Namespaces.must("ip", "-n", ns, "link", "set", "dev", "lo", "up");
        return ns;
    }

    private static void check(Pattern p, String value, String what) {
        if (value == null || !p.matcher(value).matches()) {
            throw new IllegalArgumentException("bad " + what + " \"" + value + "\": use " + p.pattern());
        }
    }

    /** Kills every process started in the hosts, then deletes the namespaces (their links go with them). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (Thread.currentThread() != onExit) {
            try {
                Runtime.getRuntime().removeShutdownHook(onExit);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting: the hook runs this anyway
            }
        }
        hosts.values().forEach(Host::close);
        for (String ns : namespaces) {
            Namespaces.delete(ns);
        }
    }
}

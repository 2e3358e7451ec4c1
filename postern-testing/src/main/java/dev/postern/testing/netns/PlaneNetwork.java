package dev.postern.testing.netns;

/**
 * The topology of a Postern deployment:
 *
 * <pre>
 *   laptop 198.51.100.10 ── [people] ── 198.51.100.1  cp  203.0.113.1 ── [machines] ── m1 203.0.113.11
 *                                                     (no forwarding)                └─ m2 203.0.113.12
 * </pre>
 *
 * The control plane {@code cp} is on both networks and forwards nothing, so the laptop has no route to the
 * machines; {@code m1} and {@code m2} accept no inbound connection and connect only to cp. Every host resolves
 * {@link #CP_NAME} to cp's address on its own network, so one advertised name serves both sides.
 */
public final class PlaneNetwork implements AutoCloseable {
    /** The control plane's name as every host resolves it (.test is reserved, RFC 2606). */
    public static final String CP_NAME = "cp.postern.test";
    public static final String PEOPLE = "people";
    public static final String MACHINES = "machines";

    private final TestNetwork net;

    private PlaneNetwork(TestNetwork net) {
        this.net = net;
    }

    /** Builds the four hosts and two switches; call {@link TestNetwork#assumeAvailable()} first. */
    public static PlaneNetwork create() {
        TestNetwork net = TestNetwork.create();
        try {
            net.addSwitch(PEOPLE, "198.51.100");
            net.addSwitch(MACHINES, "203.0.113");
            Host cp = net.addHost("cp");
            String cpPeople = net.connect(cp, PEOPLE, 1);
            String cpMachines = net.connect(cp, MACHINES, 1);
            cp.resolve(CP_NAME, cpPeople);
            Host laptop = net.addHost("laptop");
            net.connect(laptop, PEOPLE, 10);
            laptop.resolve(CP_NAME, cpPeople);
            for (int i = 1; i <= 2; i++) {
                Host m = net.addHost("m" + i);
                net.connect(m, MACHINES, 10 + i);
                m.resolve(CP_NAME, cpMachines).onlyOutboundTo(cpMachines);
            }
            return new PlaneNetwork(net);
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
    }

    public Host cp() {
        return net.host("cp");
    }

    public Host laptop() {
        return net.host("laptop");
    }

    public Host m1() {
        return net.host("m1");
    }

    public Host m2() {
        return net.host("m2");
    }

    /** The underlying network, to add hosts (a man in the middle) or switches. */
    public TestNetwork network() {
        return net;
    }

    @Override
    public void close() {
        net.close();
    }
}

package dev.postern.bench;

import dev.postern.common.api.MachineView;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * 7: what the gateway costs holding many idle agent tunnels, against sshd holding as many {@code -R} sessions.
 * A fresh {@code postern server --gateway} (control plane and gateway are one JVM: its VmRSS) and a fresh sshd
 * (listener plus every sshd process it forked: sum of VmRSS, and of Pss), each with no connection, are measured;
 * then {@link TunnelLoad} opens the tunnels to both (one joined machine identity per Postern tunnel) and, once
 * all are up and a few seconds have passed, memory and CPU time (utime + stime) over an idle window are taken for
 * both in the same window. sshd gets {@code ClientAliveInterval 15}, as the gateway sends a heartbeat every 15 s.
 */
final class TunnelHoldBench implements Benchmark {
    private static final String ORG = "hold";

    @Override
    public int number() {
        return 7;
    }

    @Override
    public String title() {
        return "gateway holding idle tunnels";
    }

    @Override
    public Duration budget(Options options) {
        return options.quick() ? Duration.ofSeconds(60) : Duration.ofSeconds(270);
    }

    static int tunnels(Options options) {
        return options.quick() ? 100 : 2000;
    }

    @Override
    public List<Measurement> run(Rig rig, Deadline deadline) throws Exception {
        int count = tunnels(rig.options);
        Duration window = rig.options.quick() ? Duration.ofSeconds(10) : Duration.ofSeconds(60);
        // after the connection storm: time for the JIT and the collector to quiet down before measuring
        Duration settle = rig.options.quick() ? Duration.ofSeconds(2) : Duration.ofSeconds(5);
        ControlPlaneProcess plane = ControlPlaneProcess.start(rig.options, rig.work, "hold-plane", ORG, rig::track);
        SshServerProcess sshd = null;
        try {
            long t0 = System.nanoTime();
            List<JoinedMachine> machines = JoinedMachine.joinMany(plane, ORG, count, deadline);
            Bench.log("   joined " + count + " machines in " + millisSince(t0) + " ms");
            sshd = rig.startSshd("hold-sshd", List.of("ClientAliveInterval 15", "ClientAliveCountMax 3"));
            Child.sleepMillis(settle.toMillis());
            Memory gatewayBefore = Memory.of(Memory.processes(plane.pid(), false));
            Memory sshdBefore = Memory.of(sshd);
            Deadline opening = deadline.within(deadline.left().minus(window).minus(settle.multipliedBy(2)));
            t0 = System.nanoTime();
            try (TunnelLoad agents = TunnelLoad.agents(plane, machines, opening)) {
                Bench.log("   " + count + " tunnels to the gateway in " + millisSince(t0) + " ms");
                t0 = System.nanoTime();
                try (TunnelLoad reverse = TunnelLoad.reverseForwards(sshd, MinaClient.identity(rig.userKey,
                        rig.userCert), count, opening)) {
                    Bench.log("   " + count + " tunnels to sshd in " + millisSince(t0) + " ms");
                    return hold(plane, sshd, agents, reverse, count, window, settle, gatewayBefore, sshdBefore,
                            rig.options);
                }
            }
        } finally {
            if (sshd != null) {
                rig.stop(sshd);
            }
            rig.stop(plane.child());
        }
    }

    /** With every tunnel up: checks the gateway agrees, lets things settle, measures over the idle window. */
    private static List<Measurement> hold(ControlPlaneProcess plane, SshServerProcess sshd, TunnelLoad agents,
                                          TunnelLoad reverse, int count, Duration window, Duration settle,
                                          Memory gatewayBefore,
                                          Memory sshdBefore, Options options) throws Exception {
        int online = onlineAtGateway(plane);
        if (online != count) {
            throw new IllegalStateException("the gateway shows " + online + " of " + count
                    + " machines online after all tunnels were forwarding");
        }
        Child.sleepMillis(settle.toMillis());
        List<Long> gatewayPids = Memory.processes(plane.pid(), false);
        List<Long> sshdPids = Memory.processes(sshd.child().pid(), true);
        CpuTime gatewayCpu = CpuTime.start(gatewayPids);
        CpuTime sshdCpu = CpuTime.start(sshdPids);
        Child.sleepMillis(window.toMillis());
        double gatewaySeconds = gatewayCpu.secondsSince();
        double sshdSeconds = sshdCpu.secondsSince();
        Memory gateway = Memory.of(gatewayPids);
        Memory openssh = Memory.of(sshdPids);
        int dropped = count - agents.open() + count - reverse.open();
        if (dropped > 0) {
            throw new IllegalStateException(dropped + " tunnels closed during the idle window");
        }
        return measurements(options, count, window, gatewayBefore, sshdBefore, gateway, openssh, gatewaySeconds,
                sshdSeconds);
    }

    private static long millisSince(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static int onlineAtGateway(ControlPlaneProcess plane) throws Exception {
        int online = 0;
        for (MachineView m : plane.api().get("/v1/orgs/" + ORG + "/apps/" + ORG + "/machines", MachineView[].class)) {
            online += m.state().equals("online") ? 1 : 0;
        }
        return online;
    }

    private static List<Measurement> measurements(Options options, int count, Duration window, Memory gwBefore,
                                                  Memory sshdBefore, Memory gw, Memory sshd, double gwCpu,
                                                  double sshdCpu) {
        String n = String.format(Locale.ROOT, "%,d", count);
        String quick = options.quick() ? " (quick mode: " + n + " tunnels, not 2,000)" : "";
        double gwPerTunnel = (gw.rssMb() - gwBefore.rssMb()) * 1024 / count;
        double sshdPerTunnel = (sshd.rssMb() - sshdBefore.rssMb()) * 1024 / count;
        double sshdPssPerTunnel = (sshd.pssMb() - sshdBefore.pssMb()) * 1024 / count;
        double gwPct = 100 * gwCpu / window.toSeconds();
        double sshdPct = 100 * sshdCpu / window.toSeconds();
        return List.of(
                new Measurement(7, "RSS holding " + n + " idle tunnels", "MiB", gw.rssMb(), sshd.rssMb(),
                        "ratio <= 0.25", gw.rssMb() / sshd.rssMb() <= 0.25,
                        "Postern: VmRSS of the server JVM (control plane + gateway); OpenSSH: sum of VmRSS over "
                        + sshd.processes() + " sshd processes" + quick),
                new Measurement(7, "PSS holding " + n + " idle tunnels", "MiB", gw.pssMb(), sshd.pssMb(),
                        "ratio <= 0.25", gw.pssMb() / sshd.pssMb() <= 0.25,
                        "sum of Pss (smaps_rollup): pages shared between the forked sshd processes counted once"),
                new Measurement(7, "memory per tunnel", "KiB", gwPerTunnel, sshdPerTunnel, "", null,
                        "(RSS holding - RSS with no connection) / " + n + "; before: " + fmt(gwBefore.rssMb())
                        + " MiB vs " + fmt(sshdBefore.rssMb()) + " MiB; OpenSSH per tunnel by PSS: "
                        + fmt(sshdPssPerTunnel) + " KiB"),
                new Measurement(7, "CPU while holding them idle", "% of a core", gwPct, sshdPct, "", null,
                        "utime + stime over " + window.toSeconds() + " s (" + fmt(gwCpu) + " s vs " + fmt(sshdCpu)
                        + " s); keepalives every " + TunnelLoad.KEEPALIVE.toSeconds() + " s both ways"));
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}

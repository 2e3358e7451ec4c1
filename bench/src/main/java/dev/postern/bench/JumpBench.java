package dev.postern.bench;

import dev.postern.common.api.CreateAppRequest;
import dev.postern.common.api.CreateJoinTokenRequest;
import dev.postern.common.api.AppView;
import dev.postern.common.api.JoinTokenView;
import dev.postern.common.api.MachineView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * 4: through a jump host vs straight to the server, stock {@code ssh} on both sides.
 *
 * <pre>
 * Postern: ssh ─ProxyJump─▶ gateway (postern server --gateway) ══ agent's tunnel ══▶ agent (tunnel mode)
 *          ssh ───────────────────────────────────────────────────────────────────▶ same agent (--listen)
 * OpenSSH: ssh ─ProxyJump─▶ jump sshd :J ── its -R port X ══ ssh -N -R X:...:T ══▶ target sshd :T
 *          ssh ───────────────────────────────────────────────────────────────────▶ target sshd :T
 * </pre>
 *
 * Connect: connect + auth + {@code exec true} through the jump host, serial, alternating. Throughput:
 * {@code 'cat > /dev/null' < payload} on all four paths, alternating; the goal compares Postern's path through
 * the gateway with its direct path. One ssh_config for all four (ssh passes no {@code -o} options to the jump
 * connection, only {@code -F}), with the same options as every other benchmark.
 */
final class JumpBench implements Benchmark {
    private static final int WARMUP = 5;
    private static final long WARMUP_BYTES = 256L << 20;
    private static final String APP = "jump";

    @Override
    public int number() {
        return 4;
    }

    @Override
    public String title() {
        return "through the gateway vs OpenSSH -J";
    }

    @Override
    public Duration budget(Options options) {
        return options.quick() ? Duration.ofSeconds(60) : Duration.ofSeconds(150);
    }

    @Override
    public List<Measurement> run(Rig rig, Deadline deadline) throws Exception {
        int count = rig.options.quick() ? 10 : 40;
        long size = rig.options.quick() ? 32L << 20 : 1L << 30;
        int rounds = 1;

        ControlPlaneProcess plane = rig.plane;
        String apps = "/v1/orgs/" + plane.org() + "/apps";
        plane.api().post(apps, new CreateAppRequest(APP), AppView.class);
        String token = plane.api().post(apps + "/" + APP + "/join-tokens", new CreateJoinTokenRequest(1, 600),
                JoinTokenView.class).token();
        int agentPort = Rig.freePort();
        Child agent = rig.startTunnelAgent("jump-agent", plane, token, agentPort);
        SshServerProcess target = rig.startSshd("jump-target");
        SshServerProcess jump = rig.startSshd("jump-host");
        int forwardPort = Rig.freePort();
        Child reverse = rig.startChild("jump-reverse", Ssh.of(rig).withKnownHosts(rig.knownHostsFor("jump-reverse", jump))
                .reverseTunnel(jump, forwardPort, target.port()));
        try {
            agent.awaitReady(agentPort, true, Duration.ofSeconds(60));
            MachineView machine = awaitOnline(plane, Deadline.in(Duration.ofSeconds(30)), agent);
            // the -R port answers with the target's banner once the tunnel is up
            reverse.awaitReady(forwardPort, true, Duration.ofSeconds(30));
            Path config = writeConfig(rig, plane, machine, jump, target, forwardPort, agentPort);
            Paths paths = new Paths(config, machine.name());

            Failures failures = new Failures();
            for (int i = 0; i < WARMUP; i++) {
                failures.connect(paths.posternJump(), Paths.LABELS.get(0));
                failures.connect(paths.opensshJump(), Paths.LABELS.get(2));
            }
            List<Double> p = new ArrayList<>();
            List<Double> o = new ArrayList<>();
            Deadline connectShare = deadline.within(deadline.left().dividedBy(2));
            for (int i = 0; i < count && !connectShare.passed(); i++) {
                failures.connect(paths.posternJump(), Paths.LABELS.get(0)).ifPresent(p::add);
                failures.connect(paths.opensshJump(), Paths.LABELS.get(2)).ifPresent(o::add);
                if (failures.count() > count / 5 + 2) {
                    throw new IOException(failures.count() + " connections failed; the first: " + failures.first());
                }
            }

            // postern ssh console -C true against stock ssh through the same gateway to the same agent (issue 12)
            PosternConsole console = PosternConsole.prepare(rig, plane, APP, machine.id());
            List<Double> cp = new ArrayList<>();
            List<Double> cs = new ArrayList<>();
            int consoleRuns = rig.options.quick() ? 5 : 20;
            Deadline consoleShare = deadline.within(deadline.left().dividedBy(2));
            for (int i = 0; i < 2; i++) {
                failures.console(console, "postern ssh console warm-up");
            }
            // The same command with the launcher's OpenSSH plan turned off: every run a JVM (informational row)
            PosternConsole jvmConsole = console.withEnv("POSTERN_CONSOLE_OPENSSH", "0");
            List<Double> cj = new ArrayList<>();
            // Stock ssh as a person runs it with the config 'postern ssh config' writes: OpenSSH's own key exchange
            // preference (9.2: sntrup761x25519-sha512, which the gateway and agent compute with BouncyCastle), the
            // same negotiation as the console's OpenSSH plan. The rows above pin curve25519-sha256 for both servers.
            Path defaultKexConfig = rig.work.resolve("ssh_config-jump-default-kex");
            Files.write(defaultKexConfig, Files.readAllLines(config).stream()
                    .filter(l -> !l.strip().startsWith("KexAlgorithms ")).toList());
            List<String> defaultKexJump = new ArrayList<>(List.of("ssh", "-F", defaultKexConfig.toString(),
                    machine.name()));
            for (int i = 0; i < 2; i++) {
                failures.connect(defaultKexJump, "OpenSSH default kex warm-up");
            }
            List<Double> cd = new ArrayList<>();
            for (int i = 0; i < consoleRuns && !consoleShare.passed(); i++) {
                failures.console(console, "postern ssh console").ifPresent(cp::add);
                failures.connect(paths.posternJump(), Paths.LABELS.get(0)).ifPresent(cs::add);
                failures.connect(defaultKexJump, "ssh, OpenSSH's default kex").ifPresent(cd::add);
                if (i % 2 == 0) {
                    failures.console(jvmConsole, "postern ssh console (JVM)").ifPresent(cj::add);
                }
            }

            // postern ssh sftp get against scp (SFTP since OpenSSH 9) from the same machine through the same gateway
            // (issue 12, item 5): each the whole command, a JVM start and two handshakes included for the CLI
            long fileSize = rig.options.quick() ? 16L << 20 : 100L << 20;
            Path remote = BenchUser.writableDir(rig.work, "jump-sftp").resolve("file.bin");
            Files.copy(Payload.of(rig, fileSize), remote, StandardCopyOption.REPLACE_EXISTING);
            Path local = rig.work.resolve("jump-sftp-copy.bin");
            List<String> posternGet = new ArrayList<>(List.of(rig.options.launcher().toString(), "ssh", "sftp", "get",
                    "--app", APP, "--machine", machine.id(), "-u", BenchUser.NAME, remote.toString(), local.toString()));
            // scp as a person runs it with the config 'postern ssh config' writes: OpenSSH's own key exchange and
            // ciphers (the console's goal row compares the same way); informational: scp preferring AES-GCM as the
            // get's plan does (the same bytes on the wire: the launcher's own cost), and scp pinned to curve25519 and
            // AES-GCM like the connect rows
            Path defaultsConfig = rig.work.resolve("ssh_config-jump-defaults");
            Files.write(defaultsConfig, Files.readAllLines(defaultKexConfig).stream()
                    .filter(l -> !l.strip().startsWith("Ciphers ")).toList());
            List<String> scpGet = List.of("scp", "-q", "-F", defaultsConfig.toString(), machine.name() + ":" + remote,
                    local.toString());
            List<String> scpAesGet = List.of("scp", "-q", "-F", defaultKexConfig.toString(),
                    machine.name() + ":" + remote, local.toString());
            List<String> scpPinnedGet = List.of("scp", "-q", "-F", config.toString(), machine.name() + ":" + remote,
                    local.toString());
            List<Double> gp = new ArrayList<>();
            List<Double> gs = new ArrayList<>();
            List<Double> gsa = new ArrayList<>();
            List<Double> gsp = new ArrayList<>();
            int getRuns = rig.options.quick() ? 2 : 5;
            for (int i = 0; i <= getRuns; i++) { // the first of each is a warm-up (the first get runs the JVM)
                double tp = timedGet(posternGet, console.env(), local, fileSize);
                double ts = timedGet(scpGet, Map.of(), local, fileSize);
                double tsa = timedGet(scpAesGet, Map.of(), local, fileSize);
                double tsp = timedGet(scpPinnedGet, Map.of(), local, fileSize);
                if (i > 0) {
                    gp.add(tp);
                    gs.add(ts);
                    gsa.add(tsa);
                    gsp.add(tsp);
                }
            }

            // postern machines list, a whole client command (launcher, one API request over HTTPS with the pinned
            // key): issue 12's <= 0.5 s. Warm: the launcher's thin client hands it to the CLI daemon the first run
            // started (docs/CLI.md); cold: POSTERN_DAEMON=0, a JVM per run. Interleaved, so both see the same load.
            List<String> list = List.of(rig.options.launcher().toString(), "machines", "list", "--app", APP);
            Map<String, String> coldEnv = new HashMap<>(console.env());
            coldEnv.put("POSTERN_DAEMON", "0");
            List<Double> ml = new ArrayList<>();
            List<Double> mlCold = new ArrayList<>();
            int listRuns = rig.options.quick() ? 3 : 9;
            try {
                listed(list, console.env(), machine.id()); // no daemon yet: the JVM path, which starts one
                CliDaemons.await(Path.of(console.env().get("POSTERN_HOME")), Duration.ofSeconds(60));
                for (int i = 0; i <= listRuns; i++) { // the first of each is a warm-up
                    double warm = listed(list, console.env(), machine.id());
                    double cold = listed(list, coldEnv, machine.id());
                    if (i > 0) {
                        ml.add(warm);
                        mlCold.add(cold);
                    }
                }
            } finally {
                Proc.run(Duration.ofSeconds(60), List.of(rig.options.launcher().toString(), "daemon", "stop"),
                        console.env());
            }

            // Four fresh JVM code paths (the gateway's splice, the agent's tunnel client and in-process server):
            // 32 MiB left C2 compiling through most of the measured gigabyte (38-41% of the gateway's and the
            // agent's CPU samples in it), so a full run warms each path up with 256 MiB.
            long warmSize = rig.options.quick() ? 32L << 20 : WARMUP_BYTES;
            Path warm = Payload.of(rig, warmSize);
            for (List<String> path : paths.all()) {
                failures.transfer(path, "warm-up", warm, warmSize);
            }
            Path payload = Payload.of(rig, size);
            List<List<Double>> mbs = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            // CPU seconds per GiB of the gateway JVM and the tunnel agent on Postern's two paths: on a shared
            // machine wall-clock MB/s moves with everyone else's load, CPU per byte much less.
            double gib = size / (double) (1L << 30);
            List<Double> gatewayCpu = new ArrayList<>();
            List<Double> agentCpuJump = new ArrayList<>();
            List<Double> agentCpuDirect = new ArrayList<>();
            for (int r = 0; r < rounds && (r == 0 || !deadline.passed()); r++) {
                for (int i = 0; i < 4; i++) {
                    CpuTime gw = CpuTime.start(List.of(plane.pid()));
                    CpuTime ag = CpuTime.start(List.of(agent.pid()));
                    mbs.get(i).add(failures.transfer(paths.all().get(i), Paths.LABELS.get(i), payload, size));
                    if (i == 0) {
                        gatewayCpu.add(gw.secondsSince() / gib);
                        agentCpuJump.add(ag.secondsSince() / gib);
                    } else if (i == 1) {
                        agentCpuDirect.add(ag.secondsSince() / gib);
                    }
                }
            }
            String cpu = String.format(java.util.Locale.ROOT, "; CPU s per GiB: gateway %.2f + agent %.2f via the "
                    + "gateway, agent %.2f direct", Stats.median(gatewayCpu), Stats.median(agentCpuJump),
                    Stats.median(agentCpuDirect));
            List<Measurement> rows = new ArrayList<>(measurements(p, o, mbs, size, failures, cpu));
            rows.add(new Measurement(4, "postern ssh console -C true vs ssh, same gateway, p50", "ms",
                    Stats.median(cp), Stats.median(cd), "Postern <= 1.5x", Stats.median(cp) <= 1.5 * Stats.median(cd),
                    cp.size() + " runs each, alternating, after 2 warm-ups: `postern ssh console -C true --app jump "
                    + "--machine ID` through the launcher (the first warm-up runs the JVM, which leaves the plan that "
                    + "later runs follow through stock OpenSSH: docs/CLI.md) vs `ssh -F cfg MACHINE true` with "
                    + "ProxyJump to the same gateway and OpenSSH's default key exchange, as with the config 'postern "
                    + "ssh config' writes (both negotiate sntrup761x25519 on both hops); both use the same user "
                    + "certificate (~/.ssh/id_postern for the CLI)"));
            rows.add(new Measurement(4, "postern ssh console -C true vs ssh pinned to curve25519, p50", "ms",
                    Stats.median(cp), Stats.median(cs), "", null, "the same console runs against the connect rows' "
                    + "ssh (KexAlgorithms curve25519-sha256 on both hops, which the console's plan does not pin: it "
                    + "keeps OpenSSH's post-quantum default)"));
            rows.add(new Measurement(4, "postern ssh console -C true, JVM every run, vs ssh, p50", "ms",
                    Stats.median(cj), Stats.median(cs), "", null, cj.size() + " runs with POSTERN_CONSOLE_OPENSSH=0 "
                    + "(no plan: launcher, JVM, API over HTTPS, gateway + machine handshakes in MINA), interleaved "
                    + "with the runs above"));
            rows.add(new Measurement(4, "postern machines list, p50", "ms", Stats.median(ml), null, "<= 500 ms",
                    Stats.median(ml) <= 500, ml.size() + " runs after one warm-up: `postern machines list --app jump` "
                    + "through the launcher, served by the CLI daemon (the launcher's thin client, a java.base-only "
                    + "JVM, hands it over run/cli.sock), one API request over HTTPS to the control plane with its key "
                    + "pinned; wall time of the command; runs (ms): " + runs(ml)));
            rows.add(new Measurement(4, "postern machines list, no daemon, p50", "ms", Stats.median(mlCold), null, "",
                    null, mlCold.size() + " runs with POSTERN_DAEMON=0, interleaved with the runs above: a JVM per "
                    + "run (its client archive), the same request; runs (ms): " + runs(mlCold)));
            rows.add(new Measurement(4, "postern ssh sftp get vs scp, same gateway, " + Payload.mib(fileSize), "ms",
                    Stats.median(gp), Stats.median(gs), "ratio <= 1.0", Stats.median(gp) / Stats.median(gs) <= 1.0,
                    gp.size() + " runs each, alternating, after one of each: `postern ssh sftp get --app jump "
                    + "--machine ID -u USER REMOTE LOCAL` through the launcher (the first run is the JVM, which leaves "
                    + "the plan later runs follow through stock scp, AES-GCM preferred: docs/CLI.md) vs `scp -F cfg "
                    + "MACHINE:REMOTE LOCAL` (SFTP) with ProxyJump to the same gateway and OpenSSH's default key "
                    + "exchange and ciphers, as with the config 'postern ssh config' writes; wall time of the command; "
                    + "runs (ms): postern " + runs(gp) + ", scp " + runs(gs)));
            rows.add(new Measurement(4, "postern ssh sftp get vs scp preferring AES-GCM, " + Payload.mib(fileSize),
                    "ms", Stats.median(gp), Stats.median(gsa), "", null, "the same gets against scp with "
                    + "OpenSSH's default key exchange and aes128-gcm on both hops, the ciphers the get's plan prefers: "
                    + "what is left is the launcher's own cost; runs (ms): " + runs(gsa)));
            rows.add(new Measurement(4, "postern ssh sftp get vs scp pinned to curve25519, " + Payload.mib(fileSize),
                    "ms", Stats.median(gp), Stats.median(gsp), "", null, "the same gets against scp with the connect "
                    + "rows' config (KexAlgorithms curve25519-sha256 and aes128-gcm on both hops); runs (ms): "
                    + runs(gsp)));
            return rows;
        } finally {
            rig.stop(reverse);
            rig.stop(jump);
            rig.stop(target);
            rig.stop(agent);
        }
    }

    private static List<Measurement> measurements(List<Double> p, List<Double> o, List<List<Double>> mbs, long size,
                                                  Failures failures, String cpu) {
        double p50 = Stats.median(p);
        double o50 = Stats.median(o);
        double pJump = Stats.median(mbs.get(0));
        double pDirect = Stats.median(mbs.get(1));
        double oJump = Stats.median(mbs.get(2));
        double oDirect = Stats.median(mbs.get(3));
        String cipher = Ssh.DEFAULT_CIPHER.replace("@openssh.com", "");
        String how = "median of " + mbs.get(0).size() + " x " + Payload.mib(size) + ", ssh 'cat > /dev/null' < file, "
                + cipher + ", after a " + Payload.mib(mbs.get(0).isEmpty() || size < (1L << 30) ? 32L << 20 : WARMUP_BYTES)
                + " warm-up";
        return List.of(
                new Measurement(4, "connect+auth+exec true via jump host, p50", "ms", p50, o50, "ratio <= 1.0",
                        p50 / o50 <= 1.0, p.size() + " serial connections each (after " + WARMUP + " warm-up), "
                        + "alternating; ssh -F config with ProxyJump; Postern: gateway + tunnel-mode agent; OpenSSH: "
                        + "ssh -J through an sshd to an sshd behind ssh -R" + failures.describe()),
                new Measurement(4, "connect+auth+exec true via jump host, p99", "ms", Stats.percentile(p, 99),
                        Stats.percentile(o, 99), "", null, ""),
                new Measurement(4, "throughput via jump host " + cipher, "MB/s", pJump, oJump, "", null, how),
                new Measurement(4, "throughput direct " + cipher, "MB/s", pDirect, oDirect, "", null,
                        "the same servers without the jump: Postern's tunnel-mode agent also listening, the target sshd"),
                new Measurement(4, "throughput via jump / direct", "x", pJump / pDirect, oJump / oDirect,
                        "Postern >= 0.9", pJump / pDirect >= 0.9, "Postern column: gateway path / direct path of "
                        + "the same agent; OpenSSH column: -J + -R path / direct" + cpu));
    }

    /** Each run's milliseconds, rounded, in the order measured. */
    private static String runs(List<Double> ms) {
        return ms.stream().map(v -> String.valueOf(Math.round(v))).collect(java.util.stream.Collectors.joining(" "));
    }

    /** Runs a download command to its end; milliseconds, after checking and removing the copy. */
    /** One {@code machines list} that must succeed and name {@code id}; its wall time in ms. */
    private static double listed(List<String> list, Map<String, String> env, String id) throws IOException {
        Proc.Run r = Proc.run(Duration.ofSeconds(60), list, env);
        if (r.exitCode() != 0 || !r.output().contains(id)) {
            throw new IOException("exit " + r.exitCode() + " from " + String.join(" ", list) + ":\n" + r.output());
        }
        return r.millis();
    }

    private static double timedGet(List<String> command, Map<String, String> env, Path local, long size)
            throws IOException {
        Files.deleteIfExists(local);
        Proc.Run r = Proc.run(Duration.ofSeconds(120), command, env);
        if (r.exitCode() != 0 || !Files.exists(local) || Files.size(local) != size) {
            throw new IOException("exit " + r.exitCode() + " from " + String.join(" ", command) + ":\n" + r.output());
        }
        Files.delete(local);
        return r.millis();
    }

    private static List<String> sink(List<String> path) {
        List<String> cmd = new ArrayList<>(path);
        cmd.add("cat > /dev/null");
        return cmd;
    }

    /** Connections that failed: counted and reported rather than ending the benchmark at the first one. */
    private static final class Failures {
        private final Map<String, Integer> byPath = new TreeMap<>();
        private String first = "";

        Optional<Double> connect(List<String> path, String label) throws IOException {
            List<String> cmd = new ArrayList<>(path);
            cmd.add("true");
            Proc.Run r = Proc.run(Duration.ofSeconds(30), cmd);
            if (r.exitCode() == 0) {
                return Optional.of(r.millis());
            }
            byPath.merge(label, 1, Integer::sum);
            String why = label + ": exit " + r.exitCode() + ": " + r.output().strip().replace('\n', ' ');
            if (first.isEmpty()) {
                first = why;
            }
            Bench.log("   connection failed: " + why);
            return Optional.empty();
        }

        /** One {@code postern ssh console -C true}; failures counted as for {@link #connect}. */
        Optional<Double> console(PosternConsole console, String label) throws IOException {
            List<String> cmd = new ArrayList<>(console.command());
            cmd.add("true");
            Proc.Run r = Proc.run(Duration.ofSeconds(60), cmd, console.env());
            if (r.exitCode() == 0) {
                return Optional.of(r.millis());
            }
            byPath.merge(label, 1, Integer::sum);
            String why = label + ": exit " + r.exitCode() + ": " + r.output().strip().replace('\n', ' ');
            if (first.isEmpty()) {
                first = why;
            }
            Bench.log("   connection failed: " + why);
            return Optional.empty();
        }

        /** A bulk transfer; one that fails (at connect: exit 255) is tried again, up to 3 times in all. */
        double transfer(List<String> path, String label, Path payload, long size) throws IOException {
            for (int attempt = 1; ; attempt++) {
                try {
                    return ThroughputBench.mbPerSecond(sink(path), label, payload, size);
                } catch (IOException e) {
                    byPath.merge(label + " (transfer)", 1, Integer::sum);
                    first = first.isEmpty() ? label + ": " + e.getMessage() : first;
                    Bench.log("   transfer failed: " + label + ": " + e.getMessage());
                    if (attempt == 3) {
                        throw e;
                    }
                }
            }
        }

        int count() {
            return byPath.values().stream().mapToInt(Integer::intValue).sum();
        }

        String first() {
            return first;
        }

        String describe() {
            return byPath.isEmpty() ? "" : "; FAILED connections (left out): " + byPath + ", the first: " + first;
        }
    }

    private static MachineView awaitOnline(ControlPlaneProcess plane, Deadline until, Child agent) throws IOException {
        String path = "/v1/orgs/" + plane.org() + "/apps/" + APP + "/machines";
        while (!until.passed()) {
            if (!agent.alive()) {
                throw new IOException("the tunnel-mode agent exited; see " + agent.log());
            }
            for (MachineView m : plane.api().get(path, MachineView[].class)) {
                if (m.state().equals("online")) {
                    return m;
                }
            }
            Child.sleepMillis(50);
        }
        throw new IOException("the tunnel-mode agent did not come online at the gateway within 30 s; see " + agent.log());
    }

    /**
     * One ssh_config for the four paths, with host key aliases so every known_hosts line is checked strictly:
     * the gateway's pinned key, the org's host CA for {@code *.internal} (the agent shows its host certificate on
     * both of its paths), the jump sshd's and the target sshd's keys.
     */
    private static Path writeConfig(Rig rig, ControlPlaneProcess plane, MachineView machine, SshServerProcess jump,
                                    SshServerProcess target, int forwardPort, int agentPort) throws IOException {
        Path knownHosts = rig.work.resolve("known_hosts-jump");
        Files.write(knownHosts, List.of(
                "postern-gateway " + plane.gatewayHostKey(),
                "@cert-authority *.internal " + plane.ca().hostCaPublicKey().strip(),
                "openssh-jump " + jump.hostKeyLine(),
                "openssh-target " + target.hostKeyLine()));
        List<String> lines = new ArrayList<>(List.of(
                "Host postern-gateway", "  HostName 127.0.0.1", "  Port " + plane.gatewayPort(), "  User postern",
                "  HostKeyAlias postern-gateway",
                "Host *.internal", "  ProxyJump postern-gateway",
                "Host postern-direct", "  HostName 127.0.0.1", "  Port " + agentPort, "  HostKeyAlias " + machine.name(),
                "Host openssh-jump", "  HostName 127.0.0.1", "  Port " + jump.port(), "  HostKeyAlias openssh-jump",
                "Host openssh-target", "  HostName 127.0.0.1", "  Port " + forwardPort, "  ProxyJump openssh-jump",
                "  HostKeyAlias openssh-target",
                "Host openssh-direct", "  HostName 127.0.0.1", "  Port " + target.port(),
                "  HostKeyAlias openssh-target",
                "Host *", "  User " + BenchUser.NAME,
                // host certificates first: the agent presents one, sshd a plain key
                "  HostKeyAlgorithms ssh-ed25519-cert-v01@openssh.com,ssh-ed25519"));
        for (String line : Ssh.of(rig).withKnownHosts(knownHosts).configLines(Ssh.DEFAULT_CIPHER)) {
            lines.add("  " + line);
        }
        Path config = rig.work.resolve("ssh_config-jump");
        Files.write(config, lines);
        return config;
    }

    /** The four ssh command lines, without the remote command. */
    private record Paths(Path config, String machineName) {
        static final List<String> LABELS = List.of("Postern via gateway", "Postern direct", "OpenSSH via -J",
                "OpenSSH direct");

        List<String> posternJump() {
            return to(machineName);
        }

        List<String> opensshJump() {
            return to("openssh-target");
        }

        List<List<String>> all() {
            return List.of(posternJump(), to("postern-direct"), opensshJump(), to("openssh-direct"));
        }

        private List<String> to(String host) {
            return new ArrayList<>(List.of("ssh", "-F", config.toString(), host));
        }
    }
}

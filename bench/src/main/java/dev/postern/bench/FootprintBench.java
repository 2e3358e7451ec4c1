package dev.postern.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.session.ClientSession;

/**
 * 6: agent footprint against sshd. Start to ready: from exec of the server to its first SSH identification
 * line on the port (fresh processes, alternating). Memory (see {@link Memory}) of a fresh server of each kind:
 * idle after one login; with 50 idle sessions (one connection each, running {@code cat > /dev/null} with no
 * input: it ends with the channel on both servers, where a {@code sleep} would outlive sshd's non-pty sessions);
 * and with 50 more
 * active ones (one connection each, running {@code cat}, the client sending 1 KiB to each every 100 ms and
 * draining the echo).
 */
final class FootprintBench implements Benchmark {
    private static final int SESSIONS = 50;

    @Override
    public int number() {
        return 6;
    }

    @Override
    public String title() {
        return "agent footprint";
    }

    @Override
    public Duration budget(Options options) {
        return options.quick() ? Duration.ofSeconds(35) : Duration.ofSeconds(70);
    }

    @Override
    public List<Measurement> run(Rig rig, Deadline deadline) throws Exception {
        int rounds = rig.options.quick() ? 2 : 5;
        List<Double> readyP = new ArrayList<>();
        List<Double> readyO = new ArrayList<>();
        // One unmeasured start first: the state a user's agent starts in after its first run. On JDK 17 the
        // launcher records the class-data archive when an agent exits and later starts map it; a run right after a
        // build would otherwise measure one start without it. (On JDK 25 the AOT cache is trained at build.)
        rig.stop(rig.startAgent("ready-agent-first"));
        for (int r = 0; r < rounds && (r == 0 || !deadline.passed()); r++) {
            SshServerProcess a = rig.startAgent("ready-agent-" + r);
            readyP.add(a.readyMillis());
            rig.stop(a);
            SshServerProcess s = rig.startSshd("ready-sshd-" + r);
            readyO.add(s.readyMillis());
            rig.stop(s);
        }
        Bench.log("   fresh starts done");
        List<Measurement> out = new ArrayList<>();
        double rp = Stats.median(readyP);
        out.add(new Measurement(6, "start to ready", "ms", rp, Stats.median(readyO), "< 300 ms", rp < 300,
                "median of " + readyP.size() + " fresh starts (after one unmeasured start): exec to SSH identification "
                + "on the port"));

        SshServerProcess agent = rig.startAgent("footprint-agent");
        SshServerProcess sshd = rig.startSshd("footprint-sshd");
        Ssh ssh = Ssh.of(rig).withKnownHosts(rig.knownHostsFor("footprint", agent, sshd));
        Memory[] idle = new Memory[2];
        Memory[] withIdle = new Memory[2];
        Memory[] withActive = new Memory[2];
        List<SshServerProcess> both = List.of(agent, sshd);
        for (int i = 0; i < 2; i++) {
            Proc.check(Duration.ofSeconds(30), ssh.ssh(both.get(i), Ssh.DEFAULT_CIPHER, "true"));
        }
        Child.sleepMillis(1000); // let the login's session teardown finish before reading memory
        for (int i = 0; i < 2; i++) {
            idle[i] = Memory.of(both.get(i));
        }
        for (int i = 0; i < 2; i++) {
            try (MinaClient client = MinaClient.to(rig, both.get(i)); Load load = new Load()) {
                for (ClientSession session : connectAll(client)) {
                    load.hold(session, "cat > /dev/null", false);
                }
                Child.sleepMillis(1000);
                withIdle[i] = Memory.of(both.get(i));
                Bench.log("   " + SESSIONS + " idle sessions held on " + both.get(i).label());
                for (ClientSession session : connectAll(client)) {
                    load.hold(session, "cat", true);
                }
                load.startTraffic();
                Child.sleepMillis(2000);
                withActive[i] = Memory.of(both.get(i));
            }
        }
        rig.stop(agent);
        rig.stop(sshd);
        double perIdleP = (withIdle[0].rssMb() - idle[0].rssMb()) / SESSIONS;
        double perIdleO = (withIdle[1].rssMb() - idle[1].rssMb()) / SESSIONS;
        out.add(new Measurement(6, "idle RSS (after one login)", "MiB", idle[0].rssMb(), idle[1].rssMb(), "< 64 MiB",
                idle[0].rssMb() < 64, "VmRSS; OpenSSH: sum over its sshd processes; PSS " + fmt(idle[0].pssMb())
                        + " vs " + fmt(idle[1].pssMb())));
        out.add(new Measurement(6, "RSS with 50 idle sessions", "MiB", withIdle[0].rssMb(), withIdle[1].rssMb(), "",
                null, "PSS " + fmt(withIdle[0].pssMb()) + " vs " + fmt(withIdle[1].pssMb()) + "; OpenSSH processes: "
                        + withIdle[1].processes()));
        out.add(new Measurement(6, "RSS per idle session", "MiB", perIdleP, perIdleO, "< 1 MiB", perIdleP < 1,
                "(RSS with 50 idle - idle RSS) / 50"));
        out.add(new Measurement(6, "RSS with 50 idle + 50 active sessions", "MiB", withActive[0].rssMb(),
                withActive[1].rssMb(), "", null, "PSS " + fmt(withActive[0].pssMb()) + " vs "
                        + fmt(withActive[1].pssMb()) + "; OpenSSH processes: " + withActive[1].processes()));
        return out;
    }

    /** {@value #SESSIONS} new connections, 4 at a time (serially, sshd's fork per connection takes a while). */
    private static List<ClientSession> connectAll(MinaClient client) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<ClientSession>> futures = new ArrayList<>();
            for (int s = 0; s < SESSIONS; s++) {
                futures.add(pool.submit(client::connect));
            }
            List<ClientSession> sessions = new ArrayList<>();
            for (Future<ClientSession> f : futures) {
                sessions.add(f.get(2 * MinaClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            }
            return sessions;
        } finally {
            pool.shutdownNow();
        }
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.1f", v);
    }

    /** Held sessions; active ones get 1 KiB every 100 ms from one writer thread. */
    private static final class Load implements AutoCloseable {
        private final List<ClientSession> sessions = new ArrayList<>();
        private final List<OutputStream> active = new ArrayList<>();
        private Thread writer;
        private volatile boolean stop;

        void hold(ClientSession session, String command, boolean isActive) throws IOException {
            sessions.add(session);
            ChannelExec channel = session.createExecChannel(command);
            channel.setOut(OutputStream.nullOutputStream());
            channel.setErr(OutputStream.nullOutputStream());
            channel.open().verify(MinaClient.TIMEOUT);
            if (isActive) {
                active.add(channel.getInvertedIn());
            }
        }

        void startTraffic() {
            byte[] kib = new byte[1024];
            writer = new Thread(() -> {
                while (!stop) {
                    for (OutputStream o : active) {
                        try {
                            o.write(kib);
                            o.flush();
                        } catch (IOException e) {
                            return;
                        }
                    }
                    Child.sleepMillis(100);
                }
            }, "bench-active-sessions");
            writer.setDaemon(true);
            writer.start();
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            if (writer != null) {
                writer.join(5000);
            }
            for (ClientSession s : sessions) {
                s.close(true);
            }
        }
    }
}

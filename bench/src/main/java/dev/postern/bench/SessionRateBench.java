package dev.postern.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.sshd.client.session.ClientSession;

/**
 * 8: new exec sessions per second at the server. Method: MINA's client in the harness JVM holds
 * {@value #CONNECTIONS} authenticated connections to the server; on each, a thread opens a session channel,
 * runs {@code true} and waits for the channel to close, again and again, for a fixed time. This measures the
 * server's cost of a session (channel, process spawn, exit status, teardown) without forking an ssh client
 * per session, which on 2 cores would measure the client. Rounds alternate between the servers.
 */
final class SessionRateBench implements Benchmark {
    static final int CONNECTIONS = 4;

    @Override
    public int number() {
        return 8;
    }

    @Override
    public String title() {
        return "new exec sessions per second";
    }

    @Override
    public Duration budget(Options options) {
        return options.quick() ? Duration.ofSeconds(15) : Duration.ofSeconds(45);
    }

    @Override
    public List<Measurement> run(Rig rig, Deadline deadline) throws Exception {
        Duration round = rig.options.quick() ? Duration.ofSeconds(2) : Duration.ofSeconds(6);
        int rounds = rig.options.quick() ? 2 : 3;
        ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
        try (MinaClient agentClient = MinaClient.to(rig, rig.agent); MinaClient sshdClient = MinaClient.to(rig, rig.sshd)) {
            List<ClientSession> agentSessions = connect(agentClient);
            List<ClientSession> sshdSessions = connect(sshdClient);
            rate(agentSessions, pool, Deadline.in(Duration.ofMillis(500))); // warm-up
            rate(sshdSessions, pool, Deadline.in(Duration.ofMillis(500)));
            List<Double> p = new ArrayList<>();
            List<Double> o = new ArrayList<>();
            for (int r = 0; r < rounds && (r == 0 || !deadline.passed()); r++) {
                p.add(rate(agentSessions, pool, Deadline.in(round)));
                o.add(rate(sshdSessions, pool, Deadline.in(round)));
            }
            double mp = Stats.median(p);
            double mo = Stats.median(o);
            return List.of(new Measurement(8, "new exec sessions per second", "sessions/s", mp, mo, "ratio >= 2.0",
                    mp / mo >= 2.0, "median of " + p.size() + " x " + round.toSeconds() + " s; " + CONNECTIONS
                            + " connections, MINA client, each opening 'exec true' channels back to back"));
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<ClientSession> connect(MinaClient client) throws Exception {
        List<ClientSession> sessions = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            sessions.add(client.connect());
        }
        return sessions;
    }

    private static double rate(List<ClientSession> sessions, ExecutorService pool, Deadline until) throws Exception {
        long t0 = System.nanoTime();
        List<Future<Integer>> futures = new ArrayList<>();
        for (ClientSession s : sessions) {
            futures.add(pool.submit(() -> {
                int n = 0;
                while (!until.passed() && n < 100_000) {
                    MinaClient.exec(s, "true");
                    n++;
                }
                return n;
            }));
        }
        int n = 0;
        for (Future<Integer> f : futures) {
            n += f.get();
        }
        return n / ((System.nanoTime() - t0) / 1e9);
    }
}

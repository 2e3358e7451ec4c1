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
 *
 * <p>Each round also measures the floor both servers stand on: {@value #CONNECTIONS} shell loops, each starting
 * {@code /bin/sh -c true} as fast as it can (fork + exec of the same shell the bench user's sessions run, with no
 * SSH at all). A session cannot cost less than starting its shell, so neither server can beat this rate.
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
        return options.quick() ? Duration.ofSeconds(15) : Duration.ofSeconds(80);
    }

    @Override
    public List<Measurement> run(Rig rig, Deadline deadline) throws Exception {
        Duration round = rig.options.quick() ? Duration.ofSeconds(2) : Duration.ofSeconds(6);
        int rounds = rig.options.quick() ? 2 : 3;
        ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
        try (MinaClient agentClient = MinaClient.to(rig, rig.agent); MinaClient sshdClient = MinaClient.to(rig, rig.sshd)) {
            List<ClientSession> agentSessions = connect(agentClient);
            List<ClientSession> sshdSessions = connect(sshdClient);
            // a long-running agent has compiled its session path: perf showed C2 compiling for 40% of the agent's CPU
            // in rounds after a 0.5 s or 4 s warm-up (a method called once per session reaches C2's threshold of
            // 5,000 calls only after ~8 s at these rates; -XX:+PrintCompilation showed ~500 C2 compiles in the rounds)
            Duration warmUp = rig.options.quick() ? Duration.ofSeconds(1) : Duration.ofSeconds(12);
            rate(agentSessions, pool, Deadline.in(warmUp));
            rate(sshdSessions, pool, Deadline.in(warmUp));
            List<Double> p = new ArrayList<>();
            List<Double> o = new ArrayList<>();
            List<Double> f = new ArrayList<>();
            List<Double> pCpu = new ArrayList<>();
            List<Double> oCpu = new ArrayList<>();
            int loops = 100;
            for (int r = 0; r < rounds && (r == 0 || !deadline.passed()); r++) {
                CpuTime agentCpu = CpuTime.start(Memory.processes(rig.agent.child().pid(), false), true);
                p.add(rate(agentSessions, pool, Deadline.in(round)));
                pCpu.add(1000 * agentCpu.secondsSince() / (p.get(r) * round.toSeconds()));
                CpuTime sshdCpu = CpuTime.start(Memory.processes(rig.sshd.child().pid(), true), true);
                o.add(rate(sshdSessions, pool, Deadline.in(round)));
                oCpu.add(1000 * sshdCpu.secondsSince() / (o.get(r) * round.toSeconds()));
                double floor = shellFloor(loops);
                f.add(floor);
                loops = (int) Math.max(100, Math.min(20_000, floor * round.toSeconds() / CONNECTIONS));
            }
            double mp = Stats.median(p);
            double mo = Stats.median(o);
            double mf = Stats.median(f);
            return List.of(new Measurement(8, "new exec sessions per second", "sessions/s", mp, mo, "ratio >= 2.0",
                    mp / mo >= 2.0, "median of " + p.size() + " x " + round.toSeconds() + " s; " + CONNECTIONS
                            + " connections, MINA client, each opening 'exec true' channels back to back"),
                    new Measurement(8, "server CPU per session, its shell included", "ms", Stats.median(pCpu),
                            Stats.median(oCpu), "", null, "utime + stime of the server's processes and of the shells"
                            + " they reaped (/proc/PID/stat), over the rounds above; sshd: listener + per-connection"
                            + " processes"),
                    new Measurement(8, "share of the process-start floor", "%", 100 * mp / mf, 100 * mo / mf, "", null,
                            String.format("floor: %,.0f /s, %d shell loops starting '/bin/sh -c true' (no SSH); the"
                                    + " goal of 2.0x OpenSSH needs %.0f%% of it", mf, CONNECTIONS, 200 * mo / mf)));
        } finally {
            pool.shutdownNow();
        }
    }

    /** Starts per second of {@code /bin/sh -c true} from {@value #CONNECTIONS} parallel shell loops. */
    private static double shellFloor(int perLoop) throws Exception {
        String loop = "i=0; while [ $i -lt " + perLoop + " ]; do /bin/sh -c true; i=$((i+1)); done";
        List<Process> shells = new ArrayList<>();
        long t0 = System.nanoTime();
        try {
            for (int i = 0; i < CONNECTIONS; i++) {
                shells.add(new ProcessBuilder("/bin/sh", "-c", loop).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
            }
            for (Process shell : shells) {
                if (!shell.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || shell.exitValue() != 0) {
                    throw new IllegalStateException("the shell loop of the process-start floor failed or hung");
                }
            }
        } finally {
            shells.forEach(Process::destroyForcibly);
        }
        return (double) perLoop * CONNECTIONS / ((System.nanoTime() - t0) / 1e9);
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

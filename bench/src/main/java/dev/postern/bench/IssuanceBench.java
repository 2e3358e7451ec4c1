package dev.postern.bench;

import dev.postern.common.api.CertificateView;
import dev.postern.common.api.IssueRequest;
import dev.postern.common.api.IssueResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * 5: certificate issuance through the HTTP API ({@code POST /v1/orgs/ORG/certificates}) from N concurrent
 * clients, against {@code ssh-keygen -s} in a loop (one loop per core) as the floor; afterwards every issued
 * serial must be in the certificate log ({@code GET /v1/orgs/ORG/certificates}).
 *
 * <p>The control plane is a long-running server, so it is measured warm: 10 s (quick: 2 s) of the same load
 * first, because on a fresh JVM sharing 2 cores the first seconds are bound by the JIT compiler (1.5-2.7 ms of
 * server CPU per certificate in the first 9 s against ~0.3 ms later, docs/BENCHMARKS.md 5). 32 clients (HTTP/1.1
 * keep-alive connections, {@link KeepAlivePoster}) keep enough requests inside the server for its group commit
 * to batch them; 8 left only 2-3 per commit.
 */
final class IssuanceBench implements Benchmark {
    private static final int CLIENTS = 32;
    private static final int MAX_PER_ROUND = 200_000;

    @Override
    public int number() {
        return 5;
    }

    @Override
    public String title() {
        return "certificate issuance";
    }

    @Override
    public Duration budget(Options options) {
        return options.quick() ? Duration.ofSeconds(15) : Duration.ofSeconds(60);
    }

    @Override
    public List<Measurement> run(Rig rig, Deadline deadline) throws Exception {
        Duration round = rig.options.quick() ? Duration.ofSeconds(2) : Duration.ofSeconds(8);
        int rounds = 2;
        String publicKey = Files.readString(rig.userKey.resolveSibling("id_ed25519.pub")).strip();
        IssueRequest request = new IssueRequest(rig.email, publicKey, List.of("root"), 1);
        Path caKey = Rig.keygen(rig.work.resolve("keygen-ca"), "ca");
        int cores = Runtime.getRuntime().availableProcessors();
        List<Path> keygenKeys = new ArrayList<>();
        for (int i = 0; i < cores; i++) {
            keygenKeys.add(Rig.keygen(rig.work.resolve("keygen-user-" + i), "user"));
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(CLIENTS, cores));
        try {
            Duration warmUp = rig.options.quick() ? Duration.ofSeconds(2) : Duration.ofSeconds(10);
            runPostern(rig, request, pool, Deadline.in(warmUp), new ArrayList<>(), new ArrayList<>());
            List<Double> rates = new ArrayList<>();
            List<Double> floor = new ArrayList<>();
            List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
            List<Double> keygenLatencies = Collections.synchronizedList(new ArrayList<>());
            List<Long> serials = Collections.synchronizedList(new ArrayList<>());
            List<Double> serverCpu = new ArrayList<>();
            for (int r = 0; r < rounds && (r == 0 || !deadline.passed()); r++) {
                long t0 = System.nanoTime();
                CpuTime cpu = CpuTime.start(List.of(rig.plane.child().pid()));
                int n = runPostern(rig, request, pool, Deadline.in(round), latencies, serials);
                rates.add(n / ((System.nanoTime() - t0) / 1e9));
                serverCpu.add(1e6 * cpu.secondsSince() / n);
                t0 = System.nanoTime();
                n = runKeygen(caKey, keygenKeys, pool, Deadline.in(round), keygenLatencies);
                floor.add(n / ((System.nanoTime() - t0) / 1e9));
            }
            CertificateView[] log = rig.api.get("/v1/orgs/" + Rig.ORG + "/certificates", CertificateView[].class);
            Set<Long> logged = new HashSet<>();
            for (CertificateView c : log) {
                logged.add(c.serial());
            }
            long missing = serials.stream().filter(s -> !logged.contains(s)).count();
            long distinct = new HashSet<>(serials).size();
            double rate = Stats.median(rates);
            String durable = serials.size() + " issued in the measured rounds, " + distinct + " distinct serials, "
                    + missing + " missing from the log";
            return List.of(
                    new Measurement(5, "certificates issued per second", "certs/s", rate, Stats.median(floor),
                            ">= 5000 certs/s, all in the log", rate >= 5000 && missing == 0 && distinct == serials.size(),
                            CLIENTS + " concurrent HTTP clients vs " + cores + " parallel 'ssh-keygen -s' loops; "
                                    + durable),
                    new Measurement(5, "control plane CPU per certificate", "us", Stats.median(serverCpu), null, "",
                            null, "utime + stime of the control plane JVM over the rounds (HTTP, signing, log)"
                            + "; the clients share the same cores"),
                    new Measurement(5, "issuance latency p99", "ms", Stats.percentile(latencies, 99),
                            Stats.percentile(keygenLatencies, 99), "", null,
                            "per request (Postern) / per ssh-keygen process (OpenSSH)"));
        } finally {
            pool.shutdownNow();
        }
    }

    private static final java.util.regex.Pattern SERIAL = java.util.regex.Pattern.compile("\"serial\"\\s*:\\s*(\\d+)");

    private static int runPostern(Rig rig, IssueRequest request, ExecutorService pool, Deadline until,
                                  List<Double> latencies, List<Long> serials) throws Exception {
        AtomicLong count = new AtomicLong();
        byte[] body = Api.json(request);
        String path = "/v1/orgs/" + Rig.ORG + "/certificates";
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            futures.add(pool.submit(() -> {
                List<Double> mine = new ArrayList<>();
                List<Long> mySerials = new ArrayList<>();
                try (KeepAlivePoster http = new KeepAlivePoster(rig.api.baseUrl(), path, rig.api.token(), body)) {
                    while (!until.passed() && count.incrementAndGet() <= MAX_PER_ROUND) {
                        long t0 = System.nanoTime();
                        String answer = http.post();
                        mine.add((System.nanoTime() - t0) / 1e6);
                        java.util.regex.Matcher m = SERIAL.matcher(answer);
                        if (!m.find()) {
                            throw new IllegalStateException("no serial in the answer: " + answer);
                        }
                        mySerials.add(Long.parseLong(m.group(1)));
                    }
                }
                latencies.addAll(mine);
                serials.addAll(mySerials);
                return mine.size();
            }));
        }
        int n = 0;
        for (Future<?> f : futures) {
            n += (Integer) f.get();
        }
        return n;
    }

    private static int runKeygen(Path caKey, List<Path> userKeys, ExecutorService pool, Deadline until,
                                 List<Double> latencies) throws Exception {
        AtomicLong serial = new AtomicLong(1);
        List<Future<Integer>> futures = new ArrayList<>();
        for (Path userKey : userKeys) {
            futures.add(pool.submit(() -> {
                int n = 0;
                while (!until.passed() && n < MAX_PER_ROUND) {
                    Proc.Run r = Proc.check(Duration.ofSeconds(10), List.of("ssh-keygen", "-q", "-s", caKey.toString(),
                            "-I", "bench", "-n", "root", "-V", "-1m:+1h", "-z", String.valueOf(serial.getAndIncrement()),
                            userKey + ".pub"));
                    latencies.add(r.millis());
                    n++;
                }
                return n;
            }));
        }
        int n = 0;
        for (Future<Integer> f : futures) {
            n += f.get();
        }
        return n;
    }
}

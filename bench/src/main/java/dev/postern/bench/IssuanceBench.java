package dev.postern.bench;

import dev.postern.common.api.CertificateView;
import dev.postern.common.api.IssueRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * 5: certificate issuance through the HTTPS API ({@code POST /v1/orgs/ORG/certificates}, the server's own TLS key
 * pinned by the clients) from N concurrent clients, against {@code ssh-keygen -s} in a loop (one loop per core) as
 * the floor; afterwards every issued serial must be in the certificate log ({@code GET /v1/orgs/ORG/certificates}).
 * For comparison a second server with {@code --insecure-http} (plain HTTP on loopback) takes the same load in the
 * same run, its rounds alternating with the HTTPS server's.
 *
 * <p>The control plane is a long-running server, so it is measured warm: 8 s (quick: 2 s) of the same load
 * first, because on a fresh JVM sharing 2 cores the first seconds are bound by the JIT compiler (1.5-2.7 ms of
 * server CPU per certificate in the first 9 s against ~0.3 ms later, docs/BENCHMARKS.md 5). 32 clients (HTTP/1.1
 * keep-alive connections, {@link KeepAlivePoster}) keep enough requests inside the server for its group commit
 * to batch them; 8 left only 2-3 per commit. Each client connection makes one TLS handshake when it opens (per
 * round) and then reuses the connection, as an API client with keep-alive does.
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
        return options.quick() ? Duration.ofSeconds(30) : Duration.ofSeconds(90);
    }

    /** One server under load: what the rounds measured on it. */
    private static final class Side {
        final ControlPlaneProcess plane;
        final IssueRequest request;
        final List<Double> rates = new ArrayList<>();
        final List<Double> cpu = new ArrayList<>();
        final List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        final List<Long> serials = Collections.synchronizedList(new ArrayList<>());

        Side(ControlPlaneProcess plane, String publicKey) {
            this.plane = plane;
            this.request = new IssueRequest(plane.email(), publicKey, List.of("root"), 1);
        }

        void round(ExecutorService pool, Duration length) throws Exception {
            long t0 = System.nanoTime();
            CpuTime used = CpuTime.start(List.of(plane.pid()));
            int n = runPostern(plane, request, pool, Deadline.in(length), latencies, serials);
            rates.add(n / ((System.nanoTime() - t0) / 1e9));
            cpu.add(1e6 * used.secondsSince() / n);
        }

        /** "N issued, N distinct, N missing from the log"; and whether all are there and distinct. */
        String durability() throws IOException {
            CertificateView[] log = plane.api().get("/v1/orgs/" + plane.org() + "/certificates",
                    CertificateView[].class);
            Set<Long> logged = new HashSet<>();
            for (CertificateView c : log) {
                logged.add(c.serial());
            }
            long missing = serials.stream().filter(s -> !logged.contains(s)).count();
            long distinct = new HashSet<>(serials).size();
            return serials.size() + " issued in the measured rounds, " + distinct + " distinct serials, " + missing
                    + " missing from the log";
        }

        boolean durable() throws IOException {
            return durability().endsWith(", 0 missing from the log") && new HashSet<>(serials).size() == serials.size();
        }
    }

    @Override
    public List<Measurement> run(Rig rig, Deadline deadline) throws Exception {
        Duration round = rig.options.quick() ? Duration.ofSeconds(2) : Duration.ofSeconds(6);
        Duration warmUp = rig.options.quick() ? Duration.ofSeconds(2) : Duration.ofSeconds(8);
        int rounds = 2;
        String publicKey = Files.readString(rig.userKey.resolveSibling("id_ed25519.pub")).strip();
        Path caKey = Rig.keygen(rig.work.resolve("keygen-ca"), "ca");
        int cores = Runtime.getRuntime().availableProcessors();
        List<Path> keygenKeys = new ArrayList<>();
        for (int i = 0; i < cores; i++) {
            keygenKeys.add(Rig.keygen(rig.work.resolve("keygen-user-" + i), "user"));
        }
        if (rig.plane.api().pin().isEmpty()) {
            throw new IOException("the rig's control plane is not on HTTPS; benchmark 5 reports issuance with TLS");
        }
        ControlPlaneProcess plain = ControlPlaneProcess.start(rig.options, rig.work, "issue-plain-http", Rig.ORG,
                false, rig::track);
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(CLIENTS, cores));
        try {
            Side tls = new Side(rig.plane, publicKey);
            Side http = new Side(plain, publicKey);
            runPostern(tls.plane, tls.request, pool, Deadline.in(warmUp), new ArrayList<>(), new ArrayList<>());
            runPostern(http.plane, http.request, pool, Deadline.in(warmUp), new ArrayList<>(), new ArrayList<>());
            List<Double> floor = new ArrayList<>();
            List<Double> keygenLatencies = Collections.synchronizedList(new ArrayList<>());
            for (int r = 0; r < rounds && (r == 0 || !deadline.passed()); r++) {
                tls.round(pool, round);
                http.round(pool, round);
                long t0 = System.nanoTime();
                int n = runKeygen(caKey, keygenKeys, pool, Deadline.in(round), keygenLatencies);
                floor.add(n / ((System.nanoTime() - t0) / 1e9));
            }
            double rate = Stats.median(tls.rates);
            double plainRate = Stats.median(http.rates);
            boolean durable = tls.durable() && http.durable();
            String load = CLIENTS + " concurrent keep-alive HTTP/1.1 clients vs " + cores
                    + " parallel 'ssh-keygen -s' loops; ";
            return List.of(
                    new Measurement(5, "certificates issued per second, API on HTTPS", "certs/s", rate,
                            Stats.median(floor), ">= 5000 certs/s, all in the log", rate >= 5000 && durable,
                            load + "TLS with the server's own key, pinned; " + tls.durability()),
                    new Measurement(5, "certificates issued per second, plain HTTP (--insecure-http), same run",
                            "certs/s", plainRate, Stats.median(floor), "", null, load + "a second server, rounds "
                            + "alternating with the HTTPS one; HTTPS / plain = " + String.format(Locale.ROOT, "%.2f",
                            rate / plainRate) + "; " + http.durability()),
                    new Measurement(5, "control plane CPU per certificate, HTTPS", "us", Stats.median(tls.cpu), null,
                            "", null, "utime + stime of the control plane JVM over the rounds (TLS, HTTP, signing, "
                            + "log); the clients share the same cores"),
                    new Measurement(5, "control plane CPU per certificate, plain HTTP", "us", Stats.median(http.cpu),
                            null, "", null, "the --insecure-http server, same rounds"),
                    new Measurement(5, "issuance latency p99, HTTPS", "ms", Stats.percentile(tls.latencies, 99),
                            Stats.percentile(keygenLatencies, 99), "", null,
                            "per request (Postern) / per ssh-keygen process (OpenSSH)"));
        } finally {
            pool.shutdownNow();
            rig.stop(plain.child());
        }
    }

    private static final java.util.regex.Pattern SERIAL = java.util.regex.Pattern.compile("\"serial\"\\s*:\\s*(\\d+)");

    private static int runPostern(ControlPlaneProcess plane, IssueRequest request, ExecutorService pool,
                                  Deadline until, List<Double> latencies, List<Long> serials) throws Exception {
        AtomicLong count = new AtomicLong();
        byte[] body = Api.json(request);
        String path = "/v1/orgs/" + plane.org() + "/certificates";
        Api api = plane.api();
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            futures.add(pool.submit(() -> {
                List<Double> mine = new ArrayList<>();
                List<Long> mySerials = new ArrayList<>();
                try (KeepAlivePoster http = new KeepAlivePoster(api.baseUrl(), api.pin(), path, api.token(), body)) {
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

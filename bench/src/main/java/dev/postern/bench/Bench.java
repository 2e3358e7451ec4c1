package dev.postern.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The benchmark harness of issue 5 (run it with {@code bench/run [--quick] [--only N,M] [--jfr]}): starts the
 * control plane, a Postern agent and OpenSSH's sshd on loopback, runs each benchmark alternating between
 * Postern and OpenSSH, and writes bench/results/DATE-MODE.md and .json. See docs/BENCHMARKS.md.
 */
public final class Bench {
    private Bench() {
    }

    static List<Benchmark> all() {
        return List.of(new ConnectBench(), new ThroughputBench(), new SftpBench(), new JumpBench(),
                new IssuanceBench(), new FootprintBench(), new TunnelHoldBench(), new SessionRateBench());
    }

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(System.getProperty("bench.repo", ".")).toAbsolutePath().normalize();
        Path jar = Path.of(System.getProperty("bench.cliJar",
                repo.resolve("postern-cli/target/postern-cli-0.1.0-SNAPSHOT.jar").toString()));
        Options options;
        try {
            options = Options.parse(args, repo, jar);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        Instant started = Instant.now();
        Deadline suite = Deadline.in(options.budget());
        Map<String, String> info = RunInfo.collect(options, started);
        List<Measurement> rows = new ArrayList<>();
        log("setting up (control plane, agent, sshd) in /dev/shm; " + info.get("mode") + " mode");
        Rig rig = Rig.start(options);
        info.put("agent command line", RunInfo.commandLine(rig.agent.child().pid()));
        Thread cleanup = new Thread(rig::close, "bench-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            log("agent ready in " + Math.round(rig.agent.readyMillis()) + " ms on port " + rig.agent.port()
                    + ", sshd in " + Math.round(rig.sshd.readyMillis()) + " ms on port " + rig.sshd.port());
            for (Benchmark b : all()) {
                if (!options.runs(b.number())) {
                    continue;
                }
                log("load average " + RunInfo.loadAverage());
                if (suite.passed()) {
                    rows.add(Measurement.notRun(b.number(), b.title(), "the suite's time budget was used up"));
                    continue;
                }
                long t0 = System.nanoTime();
                log(b.number() + ": " + b.title() + " ...");
                try {
                    List<Measurement> result = b.run(rig, suite.within(b.budget(options)));
                    rows.addAll(result);
                    for (Measurement m : result) {
                        log("   " + Report.markdown(Map.of(), List.of(m)).lines().reduce((a, c) -> c).orElse(""));
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                    String why = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
                    rows.add(Measurement.notRun(b.number(), b.title(), "failed: " + e.getClass().getSimpleName() + ": "
                            + why.substring(0, Math.min(200, why.length()))));
                }
                log("   (" + Duration.ofNanos(System.nanoTime() - t0).toSeconds() + " s)");
            }
        } finally {
            rig.close();
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
        info.put("duration", Duration.between(started, Instant.now()).toSeconds() + " s");
        info.put("load average at end (1, 5, 15 min)", RunInfo.loadAverage());
        String stem = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(started) + "-"
                + info.get("mode");
        Report.write(options.results(), stem, info, rows);
        System.out.println(Report.markdown(info, rows));
        log("wrote " + options.results().resolve(stem + ".md") + " and .json");
    }

    static void log(String line) {
        System.err.println("bench: " + line);
    }
}

package dev.postern.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * 4 (through the gateway vs OpenSSH's {@code -J} jump host with {@code ssh -R}) and 7 (gateway RSS/CPU
 * holding 2,000 idle agent tunnels vs sshd holding 2,000 {@code -R} sessions). They need {@code postern
 * server --gateway}; until the CLI has it they report "not run" instead of numbers.
 */
final class GatewayBench implements Benchmark {
    private final int number;

    GatewayBench(int number) {
        this.number = number;
    }

    @Override
    public int number() {
        return number;
    }

    @Override
    public String title() {
        return number == 4 ? "through the gateway vs OpenSSH -J" : "gateway holding 2,000 idle tunnels";
    }

    @Override
    public Duration budget(Options options) {
        return Duration.ofSeconds(10);
    }

    @Override
    public List<Measurement> run(Rig rig, Deadline deadline) throws IOException {
        if (!available(rig)) {
            return List.of(Measurement.notRun(number, title(), "gateway not available ('postern server --help' has"
                    + " no --gateway; the gateway branch has not landed on main)"));
        }
        return List.of(Measurement.notRun(number, title(), "gateway available, but the harness has no driver for"
                + " this benchmark yet (docs/BENCHMARKS.md, 'Not measured yet')"));
    }

    static boolean available(Rig rig) throws IOException {
        Proc.Run help = Proc.run(Duration.ofSeconds(30), List.of(Rig.java(), "-jar", rig.options.cliJar().toString(),
                "server", "--help"));
        return help.output().contains("--gateway");
    }
}

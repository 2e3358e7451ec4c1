package dev.postern.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * 2: bulk channel throughput: {@code ssh -c CIPHER host 'cat > /dev/null' < payload}, for aes128-gcm and
 * chacha20-poly1305, alternating servers; MB/s = payload bytes / wall time of the ssh process (which includes
 * connecting; about 1% of a 1 GiB run).
 */
final class ThroughputBench implements Benchmark {
    private static final long WARMUP_BYTES = 256L << 20;
    static final List<String> CIPHERS = List.of("aes128-gcm@openssh.com", "chacha20-poly1305@openssh.com");

    @Override
    public int number() {
        return 2;
    }

    @Override
    public String title() {
        return "bulk channel throughput";
    }

    @Override
    public Duration budget(Options options) {
        return options.quick() ? Duration.ofSeconds(25) : Duration.ofSeconds(150);
    }

    @Override
    public List<Measurement> run(Rig rig, Deadline deadline) throws IOException {
        long size = rig.options.quick() ? 128L << 20 : 1L << 30;
        int rounds = 2;
        Path payload = Payload.of(rig, size);
        Ssh ssh = Ssh.of(rig);
        // one unmeasured transfer per cipher and side first: the agent's JIT compiles the crypto and I/O paths.
        // 32 MiB was not enough: perf during the first measured GiB of aes128-gcm found the agent's C2 compiler
        // threads at 49% of its CPU samples. A full run warms up with 256 MiB.
        long warmSize = rig.options.quick() ? 32L << 20 : WARMUP_BYTES;
        Path warmup = Payload.of(rig, warmSize);
        for (String cipher : CIPHERS) {
            mbPerSecond(ssh, rig.agent, cipher, warmup, warmSize);
            mbPerSecond(ssh, rig.sshd, cipher, warmup, warmSize);
        }
        List<Measurement> out = new ArrayList<>();
        for (String cipher : CIPHERS) {
            Deadline share = deadline.within(deadline.left().dividedBy(CIPHERS.size() - CIPHERS.indexOf(cipher)));
            List<Double> postern = new ArrayList<>();
            List<Double> openssh = new ArrayList<>();
            List<Double> posternCpu = new ArrayList<>();
            double gib = size / (double) (1L << 30);
            for (int r = 0; r < rounds && (r == 0 || !share.passed()); r++) {
                double c0 = serverCpu(rig.agent);
                postern.add(mbPerSecond(ssh, rig.agent, cipher, payload, size));
                posternCpu.add((serverCpu(rig.agent) - c0) / gib);
                openssh.add(mbPerSecond(ssh, rig.sshd, cipher, payload, size));
            }
            double p = Stats.median(postern);
            double o = Stats.median(openssh);
            out.add(new Measurement(2, "throughput " + cipher.replace("@openssh.com", ""), "MB/s", p, o,
                    "ratio >= 1.0", p / o >= 1.0, "median of " + postern.size() + " x " + Payload.mib(size)
                    + ", ssh 'cat > /dev/null' < file, after a " + Payload.mib(warmSize) + " warm-up"
                    + String.format(java.util.Locale.ROOT, "; agent CPU s per GiB (with the session's shell and "
                    + "cat): %.2f", Stats.median(posternCpu))));
        }
        return out;
    }

    /**
     * CPU seconds so far of the agent JVM and the session processes it reaped. Waits a moment first, so that a
     * session that just ended has been reaped. (sshd's listener showed almost nothing of its per-connection
     * processes this way, so OpenSSH's side is not reported.)
     */
    private static double serverCpu(SshServerProcess server) {
        try {
            Thread.sleep(300); // bounded: once per measured transfer
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return CpuTime.secondsWithChildren(server.child().pid());
    }

    static double mbPerSecond(Ssh ssh, SshServerProcess server, String cipher, Path payload, long size)
            throws IOException {
        return mbPerSecond(ssh.ssh(server, cipher, "cat > /dev/null"), server.label(), payload, size);
    }

    /** Runs {@code command} (an ssh that copies its stdin away) with {@code payload} as stdin; MB/s of wall time. */
    static double mbPerSecond(List<String> command, String label, Path payload, long size) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectInput(payload.toFile());
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().remove("SSH_AUTH_SOCK");
        long t0 = System.nanoTime();
        Process p = pb.start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("bulk transfer to " + label + " took over 120 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted", e);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (p.exitValue() != 0) {
            throw new IOException("bulk transfer to " + label + " exited with " + p.exitValue());
        }
        return size / 1e6 / seconds;
    }
}

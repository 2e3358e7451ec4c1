package dev.postern.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * 1: connect + authenticate (certificate) + {@code exec true} with the OpenSSH client, one new ssh process and
 * connection each time, serially, alternating servers; the same key exchange, host key type and cipher on both.
 */
final class ConnectBench implements Benchmark {
    private static final int WARMUP = 5;

    @Override
    public int number() {
        return 1;
    }

    @Override
    public String title() {
        return "connect + auth + exec true";
    }

    @Override
    public Duration budget(Options options) {
        return options.quick() ? Duration.ofSeconds(20) : Duration.ofSeconds(90);
    }

    @Override
    public List<Measurement> run(Rig rig, Deadline deadline) throws IOException {
        int count = rig.options.quick() ? 20 : 200;
        Ssh ssh = Ssh.of(rig);
        List<SshServerProcess> servers = List.of(rig.agent, rig.sshd);
        for (int i = 0; i < WARMUP; i++) {
            for (SshServerProcess s : servers) {
                once(ssh, s);
            }
        }
        List<Double> postern = new ArrayList<>();
        List<Double> openssh = new ArrayList<>();
        for (int i = 0; i < count && !deadline.passed(); i++) {
            postern.add(once(ssh, rig.agent));
            openssh.add(once(ssh, rig.sshd));
        }
        String note = postern.size() + " serial connections each (after " + WARMUP + " warm-up), alternating; ssh -o KexAlgorithms="
                + Ssh.KEX + " -o Ciphers=" + Ssh.DEFAULT_CIPHER + "; wall time of the ssh process";
        double p50 = Stats.median(postern);
        double o50 = Stats.median(openssh);
        return List.of(
                new Measurement(1, "connect+auth+exec true, p50", "ms", p50, o50, "ratio <= 0.3", p50 / o50 <= 0.3, note),
                new Measurement(1, "connect+auth+exec true, p99", "ms", Stats.percentile(postern, 99),
                        Stats.percentile(openssh, 99), "", null, ""));
    }

    private static double once(Ssh ssh, SshServerProcess server) throws IOException {
        Proc.Run r = Proc.check(Duration.ofSeconds(30), ssh.ssh(server, Ssh.DEFAULT_CIPHER, "true"));
        return r.millis();
    }
}

package dev.postern.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * 3: {@code sftp -b} put and get of one file against Postern's SFTP subsystem and OpenSSH's sftp-server,
 * alternating; MB/s = file bytes / wall time of the sftp process. Source and destination are in /dev/shm.
 */
final class SftpBench implements Benchmark {
    @Override
    public int number() {
        return 3;
    }

    @Override
    public String title() {
        return "sftp put and get";
    }

    @Override
    public Duration budget(Options options) {
        return options.quick() ? Duration.ofSeconds(20) : Duration.ofSeconds(120);
    }

    @Override
    public List<Measurement> run(Rig rig, Deadline deadline) throws IOException {
        long size = rig.options.quick() ? 64L << 20 : 1L << 30;
        int rounds = 2;
        Path payload = Payload.of(rig, size);
        Ssh ssh = Ssh.of(rig);
        Path remoteDir = BenchUser.writableDir(rig.work, "sftp-remote");
        List<Double> putP = new ArrayList<>();
        List<Double> putO = new ArrayList<>();
        List<Double> getP = new ArrayList<>();
        List<Double> getO = new ArrayList<>();
        for (int r = 0; r < rounds && (r == 0 || !deadline.passed()); r++) {
            for (SshServerProcess s : List.of(rig.agent, rig.sshd)) {
                Path remote = remoteDir.resolve(s.label() + ".bin");
                Path local = rig.work.resolve("sftp-local-" + s.label() + ".bin");
                double put = transfer(rig, ssh, s, "put " + payload + " " + remote, size);
                checkSize(remote, size);
                double get = transfer(rig, ssh, s, "get " + remote + " " + local, size);
                checkSize(local, size);
                Files.delete(remote);
                Files.delete(local);
                (s.isPostern() ? putP : putO).add(put);
                (s.isPostern() ? getP : getO).add(get);
            }
        }
        String note = "median of " + putP.size() + " x " + Payload.mib(size) + ", sftp -b, " + Ssh.DEFAULT_CIPHER;
        double pp = Stats.median(putP);
        double po = Stats.median(putO);
        double gp = Stats.median(getP);
        double go = Stats.median(getO);
        return List.of(
                new Measurement(3, "sftp put", "MB/s", pp, po, "ratio >= 1.0", pp / po >= 1.0, note),
                new Measurement(3, "sftp get", "MB/s", gp, go, "ratio >= 1.0", gp / go >= 1.0, ""));
    }

    private static double transfer(Rig rig, Ssh ssh, SshServerProcess server, String command, long size)
            throws IOException {
        Path batch = rig.work.resolve("sftp-batch");
        Files.writeString(batch, command + "\n");
        Proc.Run r = Proc.check(Duration.ofSeconds(120), ssh.sftp(server, Ssh.DEFAULT_CIPHER, batch));
        return size / 1e6 / (r.millis() / 1e3);
    }

    private static void checkSize(Path file, long size) throws IOException {
        if (!Files.exists(file) || Files.size(file) != size) {
            throw new IOException("sftp left " + file + " with " + (Files.exists(file) ? Files.size(file) : -1)
                    + " bytes instead of " + size);
        }
    }
}

package dev.postern.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * 3: {@code sftp -b} put and get of one file against Postern's SFTP subsystem and OpenSSH's sftp-server,
 * alternating, after an unmeasured warm-up of each; MB/s = file bytes / wall time of the sftp process. Source and
 * destination are in /dev/shm. Also the server's CPU seconds per GiB, which the machine's load moves less than MB/s.
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
        int rounds = 3; // a median of 3; with 2, the nearest-rank median is the slower one
        Path payload = Payload.of(rig, size);
        Ssh ssh = Ssh.of(rig);
        Path remoteDir = BenchUser.writableDir(rig.work, "sftp-remote");
        // one unmeasured put and get per side first: the agent's JIT compiles the SFTP, crypto and I/O paths
        long warmSize = rig.options.quick() ? 16L << 20 : 512L << 20;
        Path warmup = Payload.of(rig, warmSize);
        Transfer coldP = round(rig, ssh, rig.agent, warmup, warmSize, remoteDir);
        Transfer coldO = round(rig, ssh, rig.sshd, warmup, warmSize, remoteDir);
        List<Transfer> postern = new ArrayList<>();
        List<Transfer> openssh = new ArrayList<>();
        for (int r = 0; r < rounds && (r == 0 || !deadline.passed()); r++) {
            for (SshServerProcess s : List.of(rig.agent, rig.sshd)) {
                (s.isPostern() ? postern : openssh).add(round(rig, ssh, s, payload, size, remoteDir));
            }
        }
        String note = "median of " + postern.size() + " x " + Payload.mib(size) + ", sftp -b, " + Ssh.DEFAULT_CIPHER
                + ", after a " + Payload.mib(warmSize) + " warm-up; " + cpuNote(postern, openssh, true)
                + String.format(java.util.Locale.ROOT, "; the warm-up (the agent's first transfer, cold JIT): put %.0f"
                        + " / %.0f MB/s, get %.0f / %.0f MB/s", coldP.putMbs(), coldO.putMbs(), coldP.getMbs(),
                        coldO.getMbs());
        double pp = Stats.median(postern.stream().map(Transfer::putMbs).toList());
        double po = Stats.median(openssh.stream().map(Transfer::putMbs).toList());
        double gp = Stats.median(postern.stream().map(Transfer::getMbs).toList());
        double go = Stats.median(openssh.stream().map(Transfer::getMbs).toList());
        return List.of(
                new Measurement(3, "sftp put", "MB/s", pp, po, "ratio >= 1.0", pp / po >= 1.0, note),
                new Measurement(3, "sftp get", "MB/s", gp, go, "ratio >= 1.0", gp / go >= 1.0,
                        cpuNote(postern, openssh, false)));
    }

    /**
     * One put and one get of {@code payload}, each with the server's CPU time: the agent's JVM, or sshd with the
     * per-connection processes and sftp-server it forks (the whole process tree, see {@link TreeCpu}).
     *
     * @param putMbs MB/s of the put
     * @param putCpu server CPU seconds per GiB of the put
     */
    private record Transfer(double putMbs, double putCpu, double getMbs, double getCpu) {
    }

    private static Transfer round(Rig rig, Ssh ssh, SshServerProcess s, Path payload, long size, Path remoteDir)
            throws IOException {
        Path remote = remoteDir.resolve(s.label() + ".bin");
        Path local = rig.work.resolve("sftp-local-" + s.label() + ".bin");
        double gib = size / (double) (1L << 30);
        TreeCpu putCpu = TreeCpu.start(s.child().pid());
        double put = transfer(rig, ssh, s, "put " + payload + " " + remote, size);
        double putSeconds = putCpu.seconds();
        checkSize(remote, size);
        TreeCpu getCpu = TreeCpu.start(s.child().pid());
        double get = transfer(rig, ssh, s, "get " + remote + " " + local, size);
        double getSeconds = getCpu.seconds();
        checkSize(local, size);
        Files.delete(remote);
        Files.delete(local);
        Transfer t = new Transfer(put, putSeconds / gib, get, getSeconds / gib);
        System.err.printf(java.util.Locale.ROOT, "bench: 3: %s %s: put %.0f MB/s, %.2f s/GiB; get %.0f MB/s, %.2f s/GiB%n",
                s.label(), Payload.mib(size), t.putMbs(), t.putCpu(), t.getMbs(), t.getCpu());
        return t;
    }

    private static String cpuNote(List<Transfer> postern, List<Transfer> openssh, boolean put) {
        double p = Stats.median(postern.stream().map(put ? Transfer::putCpu : Transfer::getCpu).toList());
        double o = Stats.median(openssh.stream().map(put ? Transfer::putCpu : Transfer::getCpu).toList());
        return String.format(java.util.Locale.ROOT, "server CPU s per GiB (%s): agent %.2f, sshd + sftp-server %.2f",
                put ? "put" : "get", p, o);
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

package dev.postern.cli.ssh;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.apache.sshd.sftp.client.SftpClient;

/** Opens the package-private {@link Transfers} to tests in other packages. */
public final class TransfersAccess {
    private final Transfers transfers;

    public TransfersAccess(SftpClient sftp) {
        transfers = new Transfers(sftp, new Progress(new PrintStream(PrintStream.nullOutputStream()), Clock.systemUTC(), false),
                false);
    }

    public void put(Path local, String remote, boolean recursive) throws IOException {
        transfers.put(local, remote, recursive);
    }

    public void get(String remote, Path local, boolean recursive) throws IOException {
        transfers.get(remote, local, recursive);
    }

    public List<String> find(String root) throws IOException {
        return transfers.find(root);
    }
}

package dev.postern.cli.ssh;

import java.io.IOException;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHLimitsExtension;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHLimitsExtensionInfo;

/**
 * How many bytes to ask for per SFTP READ and send per WRITE: what the server announces with
 * {@code limits@openssh.com}, at most {@link #MAX} (sftp-server's size), as OpenSSH's sftp does; 32 KiB, the size
 * every server must accept, when it announces nothing.
 *
 * <p>Why not a fixed 64 KiB: an agent before 2026-12 answered at most 63 KiB per READ, so every READ came back
 * short and MINA's client fetched each missing KiB with a READ of its own and waited for it (a round trip through
 * the gateway each) until it shrank its requests. The MINA client keeps its 2 MiB window of READs in flight
 * whatever the size, so larger requests mean fewer of them for the same read-ahead.
 *
 * @param read bytes per READ
 * @param write bytes per WRITE
 */
record RequestSizes(int read, int write) {
    /** OpenSSH sftp-server's largest READ and WRITE (256 KiB less 1 KiB of headers). */
    static final int MAX = 256 * 1024 - 1024;
    /** What every SFTP server handles (draft-ietf-secsh-filexfer-02, 3). */
    static final int MIN = 32 * 1024;

    /** Asks {@code sftp}'s server for its limits (one round trip), once per command. */
    static RequestSizes of(SftpClient sftp) {
        OpenSSHLimitsExtension limits = sftp.getExtension(OpenSSHLimitsExtension.class);
        if (limits == null || !limits.isSupported()) {
            return new RequestSizes(MIN, MIN);
        }
        try {
            return of(limits.limits());
        } catch (IOException | RuntimeException e) {
            return new RequestSizes(MIN, MIN);
        }
    }

    static RequestSizes of(OpenSSHLimitsExtensionInfo info) {
        return new RequestSizes(clamp(info.maxReadLength), clamp(info.maxWriteLength));
    }

    private static int clamp(long announced) {
        // a server that announces less than MIN gets what it asked for; under 1 KiB is taken for a mistake
        return announced < 1024 ? MIN : (int) Math.min(MAX, announced);
    }
}

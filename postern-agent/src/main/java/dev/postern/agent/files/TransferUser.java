package dev.postern.agent.files;

import dev.postern.ssh.CertificateGrant;
import java.io.IOException;
import org.apache.sshd.server.session.ServerSession;

/**
 * The local account a file transfer acts as, and how: directly when the agent already runs as that user,
 * through {@link ThreadFsIdentity} when the agent is root and the user is not.
 */
record TransferUser(LocalUser user, boolean switchIdentity) {

    /** Resolves the certificate's login to a local account, or refuses with a message fit for the client. */
    static TransferUser of(ServerSession session, UserDirectory users, int agentUid) throws IOException {
        CertificateGrant grant = session.getAttribute(CertificateGrant.KEY);
        if (grant == null) {
            throw new IOException("file transfer refused: the session has no certificate grant");
        }
        LocalUser user = users.lookup(grant.login()).orElseThrow(() -> new IOException(
                "file transfer refused: no local user '" + grant.login() + "' in " + users));
        if (user.uid() == agentUid) {
            return new TransferUser(user, false);
        }
        if (agentUid != 0) {
            throw new IOException("file transfer refused: the agent runs as uid " + agentUid
                    + " and cannot act as user '" + user.name() + "' (uid " + user.uid() + ")");
        }
        if (!ThreadFsIdentity.available()) {
            throw new IOException("file transfer refused: cannot act as user '" + user.name()
                    + "' on this platform (needs Linux on amd64/aarch64)");
        }
        return new TransferUser(user, true);
    }

    /** Runs {@code work} on the calling thread as this user. The thread must serve this user only. */
    void run(Runnable work) {
        if (switchIdentity) {
            ThreadFsIdentity.runAs(user, work);
        } else {
            work.run();
        }
    }
}

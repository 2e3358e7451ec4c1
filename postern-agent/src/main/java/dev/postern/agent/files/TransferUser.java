package dev.postern.agent.files;

import dev.postern.agent.session.ThreadSyscalls;
import dev.postern.ssh.CertificateGrant;
import java.io.IOException;
import org.apache.sshd.server.session.ServerSession;

/**
 * The local account a file transfer acts as, and how: on a {@link TransferThread} that keeps the agent's
 * credentials when the agent already runs as that user, and takes the user's (and drops every capability) when
 * the agent is root and the user is not.
 */
record TransferUser(LocalUser user, boolean switchIdentity, Umask umask) {

    /** Resolves the certificate's login to a local account, or refuses with a message fit for the client. */
    static TransferUser of(ServerSession session, UserDirectory users, int agentUid, Umask umask) throws IOException {
        CertificateGrant grant = session.getAttribute(CertificateGrant.KEY);
        if (grant == null) {
            throw new IOException("file transfer refused: the session has no certificate grant");
        }
        LocalUser user = users.lookup(grant.login()).orElseThrow(() -> new IOException(
                "file transfer refused: no local user '" + grant.login() + "' in " + users));
        if (user.uid() == agentUid) {
            return new TransferUser(user, false, umask);
        }
        if (agentUid != 0) {
            throw new IOException("file transfer refused: the agent runs as uid " + agentUid
                    + " and cannot act as user '" + user.name() + "' (uid " + user.uid() + ")");
        }
        if (!ThreadSyscalls.available()) {
            throw new IOException("file transfer refused: cannot act as user '" + user.name()
                    + "' on this platform (needs Linux on amd64/aarch64)");
        }
        return new TransferUser(user, true, umask);
    }

    /**
     * Runs {@code work} as this user on a new thread that ends with it, and waits.
     *
     * @throws IOException when the thread could not become the user; {@code work} has not run then
     */
    void run(String what, Runnable work) throws IOException {
        TransferThread.run("postern-" + what + "-" + user.name(), switchIdentity ? user : null, umask, work);
    }
}

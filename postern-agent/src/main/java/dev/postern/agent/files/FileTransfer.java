package dev.postern.agent.files;

import dev.postern.ssh.CertificateGrant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.command.CommandFactory;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.server.subsystem.SubsystemFactory;
import org.apache.sshd.sftp.common.SftpConstants;

/**
 * SFTP and legacy scp for the agent, acting as the certificate's login user.
 *
 * <p>Wiring, in {@code Agent} after the exec factory exists and before {@code server.start()}:
 * <pre>{@code
 * CommandFactory exec = ...;                    // runs "sh -c CMD" as the user (exec/rsync path)
 * FileTransfer.install(server, UserDirectory.system(), exec);
 * }</pre>
 * This adds the "sftp" subsystem and sets the server's command factory to one that serves
 * {@code scp -t}/{@code scp -f} in-process and passes every other command to {@code exec}. Do not call
 * {@code server.setCommandFactory} afterwards, or legacy scp ({@code scp -O}) goes to the shell, which only
 * works when the image has an scp binary. Modern scp uses SFTP.
 *
 * <p>How the login user is honoured: the user comes from the {@link CertificateGrant} on the session
 * (no grant: refused) and is looked up in {@code users}; SFTP starts in that user's home and scp resolves
 * relative paths there. Each transfer runs on a thread of its own ({@link TransferThread}); when the agent runs
 * as root and the user is not root, that thread takes the user's uids, gids and groups and drops every
 * capability, as the user's shell would, so the kernel enforces the user's rights and the user owns created
 * files; nothing runs as root on the user's behalf. When the agent is not root, only its own user may
 * transfer files. New files and directories get the mode the client asked for less the umask (022 unless
 * configured), as with OpenSSH. A certificate with force-command gets no SFTP (plain refusal) and its forced
 * command instead of scp.
 */
public final class FileTransfer {
    private FileTransfer() {
    }

    /**
     * Adds SFTP and scp to {@code server}, which must not be started yet.
     *
     * @param exec the session exec factory that every non-scp command is passed to; required
     */
    public static void install(SshServer server, UserDirectory users, CommandFactory exec) {
        install(server, users, exec, Umask.DEFAULT.bits());
    }

    /**
     * Adds SFTP and scp to {@code server}, which must not be started yet, creating files with {@code umask}.
     *
     * @param exec the session exec factory that every non-scp command is passed to; required
     * @param umask the permission bits cleared from new files and directories, 0 to 0777 (OpenSSH's default 022)
     */
    public static void install(SshServer server, UserDirectory users, CommandFactory exec, int umask) {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(users, "users");
        Objects.requireNonNull(exec, "exec: pass the agent's exec CommandFactory so non-scp commands still run");
        if (server.isStarted()) {
            throw new IllegalStateException("FileTransfer.install must be called before the server starts");
        }
        Umask mask = new Umask(umask);
        int agentUid = TransferThread.agentUid();
        List<SubsystemFactory> subsystems = new ArrayList<>();
        if (server.getSubsystemFactories() != null) {
            server.getSubsystemFactories().stream()
                    .filter(f -> !SftpConstants.SFTP_SUBSYSTEM_NAME.equals(f.getName()))
                    .forEach(subsystems::add);
        }
        subsystems.add(new UserSftpSubsystemFactory(users, agentUid, mask));
        server.setSubsystemFactories(subsystems);
        server.setCommandFactory(new UserScpCommandFactory(users, agentUid, mask, exec));
    }

    /** The "sftp" subsystem alone, for callers that assemble subsystems themselves; umask 022. */
    public static SubsystemFactory sftpSubsystem(UserDirectory users) {
        return new UserSftpSubsystemFactory(users, TransferThread.agentUid(), Umask.DEFAULT);
    }

    /** A command factory serving {@code scp -t|-f} in-process and passing other commands to {@code exec}. */
    public static CommandFactory commandFactory(UserDirectory users, CommandFactory exec) {
        return new UserScpCommandFactory(users, TransferThread.agentUid(), Umask.DEFAULT, exec);
    }

    static boolean hasForcedCommand(ServerSession session) {
        CertificateGrant grant = session.getAttribute(CertificateGrant.KEY);
        return grant != null && grant.forceCommand().isPresent();
    }
}

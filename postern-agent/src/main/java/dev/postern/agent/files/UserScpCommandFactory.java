package dev.postern.agent.files;

import java.io.IOException;
import org.apache.sshd.scp.common.ScpTransferEventListener;
import org.apache.sshd.scp.server.ScpCommandFactory;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.command.CommandFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code scp -t|-f ...} in-process and hands every other command to the session's exec factory.
 */
final class UserScpCommandFactory extends ScpCommandFactory {
    private static final Logger LOG = LoggerFactory.getLogger(UserScpCommandFactory.class);
    private final UserDirectory users;
    private final int agentUid;
    private final Umask umask;

    UserScpCommandFactory(UserDirectory users, int agentUid, Umask umask, CommandFactory exec) {
        this.users = users;
        this.agentUid = agentUid;
        this.umask = umask;
        setDelegateCommandFactory(exec);
        // MINA's per-command thread only waits for the transfer's own thread (TransferThread)
        setExecutorServiceProvider(null);
        setScpFileOpener(new CreationModeScpOpener(umask));
    }

    @Override
    public boolean isSupportedCommand(ChannelSession channel, String command) {
        // "scp -t" and "scp -f" only: anything else called scp (e.g. a local "scp host:x y" on the
        // machine) is a command for the user's shell. A certificate with force-command gets its forced
        // command instead, which the exec factory runs.
        return super.isSupportedCommand(channel, command) && isScpServerMode(command)
                && !FileTransfer.hasForcedCommand(channel.getServerSession());
    }

    private static boolean isScpServerMode(String command) {
        for (String word : command.trim().split("\\s+")) {
            if (word.startsWith("-") && !word.startsWith("--") && (word.indexOf('t') > 0 || word.indexOf('f') > 0)) {
                return true;
            }
            if (!word.startsWith("-") && !word.equals("scp")) {
                return false;
            }
        }
        return false;
    }

    @Override
    protected Command executeSupportedCommand(ChannelSession channel, String command) {
        TransferUser user;
        try {
            user = TransferUser.of(channel.getServerSession(), users, agentUid, umask);
        } catch (IOException e) {
            LOG.warn("scp refused for {}: {}", channel.getServerSession(), e.getMessage());
            return new RefusedCommand(e.getMessage());
        }
        return new UserScpCommand(channel, command, resolveExecutorService(command), getSendBufferSize(),
                getReceiveBufferSize(), getScpFileOpener(), ScpTransferEventListener.EMPTY, user);
    }
}

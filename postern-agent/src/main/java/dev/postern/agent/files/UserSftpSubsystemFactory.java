package dev.postern.agent.files;

import java.io.IOException;
import org.apache.sshd.common.util.GenericUtils;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates {@link UserSftpSubsystem}s for the certificate's login user, or a plain refusal. */
final class UserSftpSubsystemFactory extends SftpSubsystemFactory {
    private static final Logger LOG = LoggerFactory.getLogger(UserSftpSubsystemFactory.class);
    private final UserDirectory users;
    private final int agentUid;
    private final Umask umask;

    UserSftpSubsystemFactory(UserDirectory users, int agentUid, Umask umask) {
        this.users = users;
        this.agentUid = agentUid;
        this.umask = umask;
        // MINA's per-subsystem thread only waits for the transfer's own thread (TransferThread)
        setExecutorServiceProvider(null);
        setFileSystemAccessor(new CreationModeAccessor(umask));
    }

    @Override
    public Command createSubsystem(ChannelSession channel) throws IOException {
        if (FileTransfer.hasForcedCommand(channel.getServerSession())) {
            String why = "sftp refused: this certificate has a force-command, which replaces subsystems";
            LOG.warn("{} for {}", why, channel.getServerSession());
            return new RefusedCommand(why);
        }
        TransferUser user;
        try {
            user = TransferUser.of(channel.getServerSession(), users, agentUid, umask);
        } catch (IOException e) {
            LOG.warn("sftp refused for {}: {}", channel.getServerSession(), e.getMessage());
            return new RefusedCommand(e.getMessage());
        }
        UserSftpSubsystem subsystem = new UserSftpSubsystem(channel, this, user);
        GenericUtils.forEach(getRegisteredListeners(), subsystem::addSftpEventListener);
        return subsystem;
    }
}

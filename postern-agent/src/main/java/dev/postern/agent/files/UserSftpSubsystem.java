package dev.postern.agent.files;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import org.apache.sshd.common.file.FileSystemFactory;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.sftp.server.SftpSubsystem;
import org.apache.sshd.sftp.server.SftpSubsystemConfigurator;

/**
 * MINA's SFTP subsystem on the real file system, starting in the user's home and doing every file
 * operation on its own request thread as the login user.
 */
final class UserSftpSubsystem extends SftpSubsystem {
    private final TransferUser user;

    UserSftpSubsystem(ChannelSession channel, SftpSubsystemConfigurator configurator, TransferUser user) {
        super(channel, configurator);
        this.user = user;
    }

    @Override
    public void setFileSystemFactory(FileSystemFactory factory, SessionContext session) throws IOException {
        // The server-wide factory (NativeFileSystemFactory assumes /home/<user>) is ignored on purpose:
        // paths are the machine's own, and "." is the home from /etc/passwd.
        setFileSystem(FileSystems.getDefault());
    }

    @Override
    public void setFileSystem(FileSystem fileSystem) {
        super.setFileSystem(fileSystem);
        this.defaultDir = user.user().home();
    }

    @Override
    public void run() {
        // This thread belongs to this subsystem alone (MINA's per-subsystem single-thread executor).
        user.run(super::run);
    }
}

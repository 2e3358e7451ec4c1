package dev.postern.agent.files;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import org.apache.sshd.common.file.FileSystemFactory;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.util.threads.CloseableExecutorService;
import org.apache.sshd.scp.common.ScpFileOpener;
import org.apache.sshd.scp.common.ScpTransferEventListener;
import org.apache.sshd.scp.server.ScpCommand;
import org.apache.sshd.server.channel.ChannelSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Legacy scp ({@code scp -t} / {@code scp -f}, what {@code scp -O} runs) served by MINA in-process, with
 * relative paths taken from the user's home and the transfer done as the login user on a thread of its own
 * ({@link TransferThread}).
 */
final class UserScpCommand extends ScpCommand {
    private static final Logger LOG = LoggerFactory.getLogger(UserScpCommand.class);
    private final TransferUser user;

    UserScpCommand(ChannelSession channel, String command, CloseableExecutorService executor, int sendSize,
                   int receiveSize, ScpFileOpener opener, ScpTransferEventListener listener, TransferUser user) {
        super(channel, command, executor, sendSize, receiveSize, opener, listener);
        this.user = user;
        this.path = inHome(path);
    }

    /** OpenSSH's sshd runs scp in the home directory, so relative paths and {@code ~/} start there. */
    private String inHome(String requested) {
        String home = user.user().home().toString();
        if (requested == null || requested.isEmpty() || requested.equals("~")) {
            return home;
        }
        if (requested.startsWith("~/")) {
            return home + requested.substring(1);
        }
        if (requested.startsWith("/")) {
            return requested;
        }
        return home + "/" + requested;
    }

    @Override
    public void setFileSystemFactory(FileSystemFactory factory, SessionContext session) throws IOException {
        setFileSystem(FileSystems.getDefault());
    }

    @Override
    public void setFileSystem(FileSystem fileSystem) {
        super.setFileSystem(FileSystems.getDefault());
    }

    @Override
    public void run() {
        try {
            user.run("scp", super::run);
        } catch (IOException e) {
            LOG.warn("scp refused for {}: {}", getServerSession(), e.getMessage());
            onExit(1, e.getMessage());
        }
    }
}

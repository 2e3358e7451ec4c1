package dev.postern.agent.forward;

import dev.postern.agent.files.LocalUser;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.agent.SshAgentServer;
import org.apache.sshd.common.session.ConnectionService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The forwarded agent of one SSH connection: a Unix socket in a private directory (as sshd's
 * /tmp/ssh-XXXX/agent.N), owned by the login user, whose path becomes SSH_AUTH_SOCK. Every connection to it
 * opens an {@link AgentRelayChannel} back to the client.
 *
 * <p>MINA's own server-side agent support either needs Tomcat's native APR library (unix) or only works for
 * code inside the JVM (local proxy); JDK 16+ Unix domain sockets make a real socket possible without native
 * code. Blocking I/O with one accept thread per forwarded agent and one thread per agent connection: agent
 * traffic is a few small messages per login, so this costs threads only while a forward is in use.
 */
final class AgentSocket implements SshAgentServer {
    private static final Logger LOG = LoggerFactory.getLogger(AgentSocket.class);
    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(15);
    private static final String SOCKET = "agent.sock";

    private final ConnectionService service;
    private final Path dir;
    /** The directory as created: the user owns its path and may put a symlink there before cleanup. */
    private final SecureDirectoryStream<Path> dirHandle;
    private final Path socketPath;
    private final ServerSocketChannel server;
    private final AtomicBoolean open = new AtomicBoolean(true);

    private AgentSocket(ConnectionService service, Path dir, SecureDirectoryStream<Path> dirHandle, Path socketPath,
                        ServerSocketChannel server) {
        this.service = service;
        this.dir = dir;
        this.dirHandle = dirHandle;
        this.socketPath = socketPath;
        this.server = server;
    }

    /** Creates the socket for {@code owner} and starts accepting; {@code chown} when the agent is root. */
    static AgentSocket open(ConnectionService service, Path tmp, LocalUser owner, boolean chown) throws IOException {
        Path dir = Files.createTempDirectory(tmp, "postern-agent-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path socketPath = dir.resolve(SOCKET);
        SecureDirectoryStream<Path> dirHandle = openDirectory(dir);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(socketPath));
            Files.setPosixFilePermissions(socketPath, PosixFilePermissions.fromString("rw-------"));
            if (chown) {
                for (Path p : new Path[] {socketPath, dir}) {
                    Files.setAttribute(p, "unix:gid", owner.gid());
                    Files.setAttribute(p, "unix:uid", owner.uid());
                }
            }
        } catch (IOException | RuntimeException e) {
            server.close();
            Files.deleteIfExists(socketPath);
            Files.deleteIfExists(dir);
            dirHandle.close();
            throw e;
        }
        AgentSocket agent = new AgentSocket(service, dir, dirHandle, socketPath, server);
        Thread t = new Thread(agent::acceptLoop, "agent-forward-accept-" + owner.name());
        t.setDaemon(true);
        t.start();
        return agent;
    }

    private void acceptLoop() {
        while (open.get()) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (open.get()) {
                    LOG.warn("forwarded agent socket {} stopped accepting: {}", socketPath, e.toString());
                }
                return;
            }
            relay(client);
        }
    }

    private void relay(SocketChannel client) {
        AgentRelayChannel channel = new AgentRelayChannel(client);
        try {
            service.registerChannel(channel);
            channel.open().verify(OPEN_TIMEOUT);
        } catch (IOException | RuntimeException e) {
            LOG.info("client refused the agent channel for {}: {}", socketPath, e.toString());
            channel.close(true);
            return;
        }
        Thread t = new Thread(channel::pumpRequests, "agent-forward-relay");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public String getId() {
        return socketPath.toString();
    }

    @Override
    public boolean isOpen() {
        return open.get();
    }

    @Override
    public void close() throws IOException {
        if (open.getAndSet(false)) {
            try {
                server.close();
            } finally {
                removeFiles();
            }
        }
    }

    private static SecureDirectoryStream<Path> openDirectory(Path dir) throws IOException {
        DirectoryStream<Path> stream = Files.newDirectoryStream(dir);
        if (stream instanceof SecureDirectoryStream<Path> secure) {
            return secure;
        }
        stream.close();
        Files.deleteIfExists(dir);
        throw new IOException("agent forwarding needs openat(2) to remove the socket of " + dir + " safely");
    }

    /*
     * By then the directory belongs to the user, who may have moved it and put a symlink to any directory in
     * its place; the agent (root) must not delete through it. The socket goes through the handle of the
     * directory as created (unlinkat), and the directory's path only if it still is that directory.
     */
    private void removeFiles() throws IOException {
        try (SecureDirectoryStream<Path> created = dirHandle) {
            try {
                created.deleteFile(Path.of(SOCKET));
            } catch (NoSuchFileException gone) {
                // the user removed it
            }
            Object key = created.getFileAttributeView(BasicFileAttributeView.class).readAttributes().fileKey();
            BasicFileAttributes now;
            try {
                now = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException gone) {
                return;
            }
            if (now.isDirectory() && key != null && key.equals(now.fileKey())) {
                Files.deleteIfExists(dir);
            } else {
                LOG.warn("forwarded agent directory {} was replaced by its user; left alone", dir);
            }
        }
    }
}

package dev.postern.cli.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.sftp.SftpModuleProperties;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHLimitsExtensionInfo;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Request sizes follow what the server announces ({@code limits@openssh.com}), never more than it answers. */
class RequestSizesIT {
    private static final Duration T = Duration.ofSeconds(30);

    /**
     * A server that answers at most 40,000 bytes per READ: asking 64 KiB would make every READ come back short and MINA's
     * client fetch each gap with a READ of its own, waiting for it. The copy asks what the server answers, and the
     * file arrives whole.
     */
    @Test
    void readsAreNoLargerThanTheServerAnswers(@TempDir Path dir) throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        byte[] data = new byte[3 << 20];
        new Random(5).nextBytes(data);
        Files.write(root.resolve("file.bin"), data);
        SshServer server = server(root);
        SftpModuleProperties.MAX_READDATA_PACKET_LENGTH.set(server, 40_000);
        server.start();
        try (SshClient client = SshClient.setUpDefaultClient()) {
            client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
            client.start();
            try (ClientSession session = client.connect("someone", "127.0.0.1", server.getPort()).verify(T).getSession()) {
                session.addPasswordIdentity("any");
                session.auth().verify(T);
                try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(session)) {
                    assertThat(RequestSizes.of(sftp)).isEqualTo(new RequestSizes(40_000, RequestSizes.MAX));

                    new Transfers(sftp, new Progress(new PrintStream(PrintStream.nullOutputStream()),
                            Clock.systemUTC(), false), false).get("/file.bin", dir.resolve("copy.bin"), false);
                }
            }
        } finally {
            server.stop(true);
        }
        assertThat(Files.readAllBytes(dir.resolve("copy.bin"))).isEqualTo(data);
    }

    @Test
    void announcedSizesAreCappedAtSftpServersAndNothingUsableMeansThirtyTwoKibibytes() {
        assertThat(RequestSizes.of(limits(1L << 30, 63 * 1024))).isEqualTo(new RequestSizes(RequestSizes.MAX, 63 * 1024));
        assertThat(RequestSizes.of(limits(0, 10))).isEqualTo(new RequestSizes(RequestSizes.MIN, RequestSizes.MIN));
    }

    private static OpenSSHLimitsExtensionInfo limits(long read, long write) {
        OpenSSHLimitsExtensionInfo info = new OpenSSHLimitsExtensionInfo();
        info.maxReadLength = read;
        info.maxWriteLength = write;
        return info;
    }

    private static SshServer server(Path root) {
        SshServer server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(root.resolveSibling("host.key")));
        server.setPasswordAuthenticator((user, password, session) -> true);
        server.setFileSystemFactory(new VirtualFileSystemFactory(root));
        server.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        return server;
    }
}

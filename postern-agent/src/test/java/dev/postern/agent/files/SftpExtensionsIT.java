package dev.postern.agent.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postern.agent.AgentFixture;
import dev.postern.agent.TestUsers;
import dev.postern.ssh.HostKeys;
import dev.postern.ssh.OpenSshKeys;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.util.io.resource.PathResource;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.client.extensions.CheckFileNameExtension;
import org.apache.sshd.sftp.client.extensions.CopyFileExtension;
import org.apache.sshd.sftp.client.extensions.MD5FileExtension;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SFTP's extended requests, which stock sftp never sends, also run as the login user. The attacker is alice with
 * MINA's SFTP client, asking the agent to hash ({@code md5-hash}, {@code check-file-name}), copy
 * ({@code copy-file}) or rename ({@code posix-rename@openssh.com}) a file only root may read; each is refused, and
 * root's same request is answered, so the refusal is alice's and not the machine's.
 */
class SftpExtensionsIT {
    @TempDir
    static Path dir;
    static AgentFixture fx;
    static SshClient client;
    static Path secret;

    @BeforeAll
    static void start() throws Exception {
        fx = new AgentFixture(dir, TestUsers.withAlice(dir));
        Path vault = Files.createDirectories(dir.resolve("vault"));
        Files.setPosixFilePermissions(vault, PosixFilePermissions.fromString("rwx------"));
        secret = Transfers.write(vault.resolve("secret.txt"), "root's secret", "rw-------");
        PublicKey hostKey = HostKeys.loadOrCreate(dir.resolve("data")).publicKey();
        client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier((session, address, key) -> KeyUtils.compareKeys(hostKey, key));
        client.start();
    }

    @AfterAll
    static void stop() throws Exception {
        client.stop();
        fx.close();
    }

    @Test
    void hashingARootOnlyFileIsRefused() throws Exception {
        try (ClientSession alice = login("alice");
             SftpClient sftp = SftpClientFactory.instance().createSftpClient(alice);
             ClientSession root = login("root");
             SftpClient rootSftp = SftpClientFactory.instance().createSftpClient(root)) {
            assertThat(rootSftp.getExtension(MD5FileExtension.class).getHash(secret.toString(), 0, 0, new byte[0]))
                    .as("root may hash it").isNotEmpty();
            assertThat(rootSftp.getExtension(CheckFileNameExtension.class).checkFileName(secret.toString(),
                    List.of("sha256"), 0, 0, 0).getValue()).isNotEmpty();

            assertThatThrownBy(() -> sftp.getExtension(MD5FileExtension.class).getHash(secret.toString(), 0, 0,
                    new byte[0])).hasMessageContaining("ermission denied");
            assertThatThrownBy(() -> sftp.getExtension(CheckFileNameExtension.class).checkFileName(secret.toString(),
                    List.of("sha256"), 0, 0, 0)).hasMessageContaining("ermission denied");
        }
    }

    @Test
    void copyingOrRenamingARootOnlyFileIsRefused() throws Exception {
        Path home = TestUsers.aliceHome(dir);
        try (ClientSession alice = login("alice");
             SftpClient sftp = SftpClientFactory.instance().createSftpClient(alice);
             ClientSession root = login("root");
             SftpClient rootSftp = SftpClientFactory.instance().createSftpClient(root)) {
            rootSftp.getExtension(CopyFileExtension.class).copyFile(secret.toString(),
                    secret.resolveSibling("root-copy.txt").toString(), false);
            assertThat(secret.resolveSibling("root-copy.txt")).as("root may copy it").hasContent("root's secret");

            assertThatThrownBy(() -> sftp.getExtension(CopyFileExtension.class).copyFile(secret.toString(),
                    home.resolve("copy.txt").toString(), false)).hasMessageContaining("ermission denied");
            assertThatThrownBy(() -> sftp.getExtension(OpenSSHPosixRenameExtension.class).posixRename(
                    secret.toString(), home.resolve("moved.txt").toString())).hasMessageContaining("ermission denied");
            assertThat(home.resolve("copy.txt")).doesNotExist();
            assertThat(home.resolve("moved.txt")).doesNotExist();
            assertThat(secret).hasContent("root's secret");
        }
    }

    private static ClientSession login(String user) throws Exception {
        KeyPair plain;
        try (InputStream in = Files.newInputStream(fx.userKey)) {
            plain = SecurityUtils.loadKeyPairIdentities(null, new PathResource(fx.userKey), in, null).iterator().next();
        }
        ClientSession session = client.connect(user, "127.0.0.1", fx.agent.port()).verify(AgentFixture.TIMEOUT)
                .getSession();
        session.addPublicKeyIdentity(new KeyPair(OpenSshKeys.readCertificate(fx.cert(user)), plain.getPrivate()));
        session.auth().verify(AgentFixture.TIMEOUT);
        return session;
    }
}

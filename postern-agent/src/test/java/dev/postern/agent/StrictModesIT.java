package dev.postern.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postern.agent.session.Accounts;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files that decide who logs in must be the agent's alone. The attacker is any other local user who may
 * write the trusted user CA file, or rename files in its directory: with a CA key of their own in it they log in
 * as root; with the revocation list they undo a revocation. The agent refuses to start, before its entrypoint
 * runs, as OpenSSH's StrictModes refuses such files.
 */
class StrictModesIT {
    @TempDir
    Path dir;

    @Test
    void aUserCaFileOthersMayWriteIsRefused() throws Exception {
        Path ca = caFile(dir.resolve("ca-file"));
        Files.setPosixFilePermissions(ca, PosixFilePermissions.fromString("rw-rw-rw-"));

        assertRefused(ca, b -> b, "--trusted-user-ca " + ca + ": the file may be written by other users",
                "chmod go-w " + ca);
    }

    @Test
    void aUserCaFileInADirectoryOthersMayWriteIsRefused() throws Exception {
        Path ca = caFile(dir.resolve("ca-dir"));
        Files.setPosixFilePermissions(ca.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));

        assertRefused(ca, b -> b, "--trusted-user-ca " + ca + ": its directory " + ca.getParent()
                + " may be written by other users", "chmod go-w " + ca.getParent());
    }

    /**
     * Whoever may write a directory higher up renames the CA file's directory away and puts a symbolic link in
     * its place, to any file of root's: another CA (a key of the host's, ending every login) or an old, emptier
     * KRL (undoing revocations). sshd checks every directory up to /.
     */
    @Test
    void aUserCaFileBelowADirectoryOthersMayWriteIsRefused() throws Exception {
        Path above = dir.resolve("above");
        Path ca = caFile(above.resolve("ca-dir"));
        Files.setPosixFilePermissions(above, PosixFilePermissions.fromString("rwxrwxrwx"));

        assertRefused(ca, b -> b, "--trusted-user-ca " + ca + ": the directory " + above + " on its path may be"
                + " written by other users", "chmod go-w " + above);
    }

    /** The link is in a directory others may write; the file it points to is safe, but they may re-point it. */
    @Test
    void aSymbolicLinkInADirectoryOthersMayWriteIsRefused() throws Exception {
        Path real = caFile(dir.resolve("real"));
        Path links = Files.createDirectories(dir.resolve("links"));
        Files.setPosixFilePermissions(links, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path link = Files.createSymbolicLink(links.resolve("user_ca.pub"), real);

        assertRefused(real, link, "--trusted-user-ca " + link + ": the directory " + links
                + " on its path may be written by other users", "chmod go-w " + links);
    }

    /** In a shared sticky directory (as /tmp) the link is safe only when it is root's or the agent's. */
    @Test
    void aSymbolicLinkOfAnotherUserIsRefused() throws Exception {
        Path real = caFile(dir.resolve("real"));
        Path shared = sticky(dir.resolve("shared"));
        Path link = Files.createSymbolicLink(shared.resolve("user_ca.pub"), real);
        Files.setAttribute(link, "unix:uid", TestUsers.ALICE_UID, LinkOption.NOFOLLOW_LINKS);

        assertRefused(real, link, "--trusted-user-ca " + link + ": the symbolic link "
                + link + " is owned by uid " + TestUsers.ALICE_UID, "chown");
    }

    /** Others may not rename what root owns in a sticky directory of root's, so it may be on the way. */
    @Test
    void aStickyDirectoryOfRootsOnThePathIsAccepted() throws Exception {
        Path ca = caFile(sticky(dir.resolve("tmp")).resolve("postern"));
        Path link = Files.createSymbolicLink(ca.getParent().getParent().resolve("ca.pub"), ca);
        try (Agent agent = Agent.start(config(ca, link, b -> b))) {
            assertThat(agent.port()).isPositive();
        }
    }

    private static Path sticky(Path in) throws Exception {
        Files.createDirectories(in);
        Files.setAttribute(in, "unix:mode", 01777);
        return in;
    }

    @Test
    void aUserCaFileOwnedByAnotherUserIsRefused() throws Exception {
        Path ca = caFile(dir.resolve("ca-owner"));
        Files.setAttribute(ca, "unix:uid", TestUsers.ALICE_UID);

        assertRefused(ca, b -> b, "--trusted-user-ca " + ca + ": the file is owned by uid " + TestUsers.ALICE_UID,
                "chown");
    }

    @Test
    void aRevocationListOthersMayWriteIsRefused() throws Exception {
        Path ca = caFile(dir.resolve("krl"));
        Path krl = ca.resolveSibling("revoked.krl");
        ProcessResult r = Processes.run(AgentFixture.TIMEOUT, List.of("ssh-keygen", "-q", "-k", "-f", krl.toString()));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        Files.setPosixFilePermissions(krl, PosixFilePermissions.fromString("rw-rw-r--"));

        assertRefused(ca, b -> b.revokedFile(krl), "--revoked " + krl + ": the file may be written by other users",
                "chmod go-w " + krl);
    }

    /** In direct mode the host certificate is re-read while the agent runs: its file must be the agent's too. */
    @Test
    void aHostCertificateOthersMayWriteIsRefusedInDirectMode() throws Exception {
        Path ca = caFile(dir.resolve("host-cert"));
        Path data = data(ca);
        dev.postern.ssh.HostKeys.loadOrCreate(data);
        AgentFixture.keygen(ca.resolveSibling("host_ca"));
        ProcessResult r = Processes.run(AgentFixture.TIMEOUT, List.of("ssh-keygen", "-q", "-s",
                ca.resolveSibling("host_ca").toString(), "-h", "-I", "h", "-n", "127.0.0.1",
                data.resolve("ssh_host_ed25519_key.pub").toString()));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        Path cert = data.resolve("ssh_host_ed25519_key-cert.pub");
        Files.setPosixFilePermissions(cert, PosixFilePermissions.fromString("rw-r--rw-"));

        assertRefused(ca, b -> b.hostCertFile(cert), "--host-cert " + cert + ": the file may be written by other"
                + " users", "chmod go-w " + cert);
    }

    @Test
    void theAgentsOwnFilesAreAccepted() throws Exception {
        Path ca = caFile(dir.resolve("fine"));
        try (Agent agent = Agent.start(config(ca, b -> b))) {
            assertThat(agent.port()).isPositive();
        }
    }

    private Path caFile(Path in) throws Exception {
        Files.createDirectories(in);
        Files.setPosixFilePermissions(in, PosixFilePermissions.fromString("rwxr-xr-x"));
        AgentFixture.keygen(in.resolve("user_ca"));
        return in.resolve("user_ca.pub");
    }

    /** Beside {@code ca}'s directory, not in it: a --data directory below one others may write is refused too. */
    private Path data(Path ca) {
        return dir.resolve(ca.getParent().getFileName() + "-data");
    }

    private AgentConfig config(Path ca, UnaryOperator<AgentConfig.Builder> more) {
        return config(ca, ca, more);
    }

    /** The agent's files next to {@code ca}, trusting {@code trusted} (the file or a link to it). */
    private AgentConfig config(Path ca, Path trusted, UnaryOperator<AgentConfig.Builder> more) {
        return more.apply(AgentConfig.builder(data(ca), trusted).accounts(Accounts.system())
                .listen("127.0.0.1", 0).entrypoint(List.of("touch", ca.resolveSibling("entrypoint-ran").toString())))
                .build();
    }

    private void assertRefused(Path ca, UnaryOperator<AgentConfig.Builder> more, String message, String fix) {
        assertRefused(ca, ca, more, message, fix);
    }

    private void assertRefused(Path ca, Path trusted, String message, String fix) {
        assertRefused(ca, trusted, b -> b, message, fix);
    }

    private void assertRefused(Path ca, Path trusted, UnaryOperator<AgentConfig.Builder> more, String message,
                               String fix) {
        assertThatThrownBy(() -> Agent.start(config(ca, trusted, more)).close())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message).hasMessageContaining(fix);
        assertThat(ca.resolveSibling("entrypoint-ran")).as("the refused agent started no entrypoint").doesNotExist();
    }
}

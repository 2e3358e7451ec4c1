package dev.postern.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.agent.session.Accounts;
import dev.postern.ssh.CertificateAuthenticator;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way a login must fail at the real agent, each by its own test, with certificates made by the real
 * ssh-keygen and the real OpenSSH client. Each refusal is checked twice: the client is denied, and the
 * agent's log names the reason (so a test cannot pass because of some other failure). The agent reads a
 * KRL made by {@code ssh-keygen -k}, which the revocation tests change while it runs. (force-command is
 * in {@link SessionIT}.)
 */
class CertificateRefusalIT {
    @TempDir
    static Path dir;
    static AgentFixture fx;
    static Path krl;
    LogCapture log;

    @BeforeAll
    static void start() {
        krl = dir.resolve("revoked.krl");
        keygen("-k", "-f", krl.toString());
        fx = new AgentFixture(dir, b -> b.accounts(Accounts.system()).revokedFile(krl));
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    @BeforeEach
    void capture() {
        log = new LogCapture(CertificateAuthenticator.class.getName());
    }

    @AfterEach
    void release() {
        log.close();
    }

    @Test
    void aValidCertificateLogsIn() {
        assertAccepted(fx.ssh(fx.cert("root"), "echo ok"));
    }

    @Test
    void expiredIsRefused() {
        assertRefused(fx.ssh(fx.cert("root", "-V", "20200101:20200102"), "echo ok"), "certificate expired");
    }

    @Test
    void notYetValidIsRefused() {
        assertRefused(fx.ssh(fx.cert("root", "-V", "+1h:+2h"), "echo ok"), "certificate not yet valid");
    }

    @Test
    void aMinuteOfClockSkewIsAllowedEitherWay() {
        assertAccepted(fx.ssh(fx.cert("root", "-V", "+30s:+1h"), "echo ok"));
        assertAccepted(fx.ssh(fx.cert("root", "-V", "-1h:-30s"), "echo ok"));
    }

    @Test
    void untrustedCaIsRefused() {
        Path otherCa = dir.resolve("other_ca");
        if (!Files.exists(otherCa)) {
            AgentFixture.keygen(otherCa);
        }
        assertRefused(fx.ssh(fx.cert(otherCa, "root"), "echo ok"), "signed by an untrusted CA");
    }

    @Test
    void loginNameNotAPrincipalIsRefused() {
        assertRefused(fx.ssh(fx.cert("alice,bob"), "echo ok"), "login \"root\" is not a principal [alice, bob]");
    }

    @Test
    void emptyPrincipalsAreRefused() {
        assertRefused(fx.ssh(fx.cert(null), "echo ok"), "certificate has no principals");
    }

    @Test
    void unknownCriticalOptionIsRefused() {
        assertRefused(fx.ssh(fx.cert("root", "-O", "critical:verify-required-by-someone@example.com=x"), "echo ok"),
                "unknown critical option \"verify-required-by-someone@example.com\"");
    }

    @Test
    void sourceAddressMismatchIsRefused() {
        assertRefused(fx.ssh(fx.cert("root", "-O", "source-address=10.9.8.0/24"), "echo ok"),
                "source-address \"10.9.8.0/24\" does not allow 127.0.0.1");
        assertAccepted(fx.ssh(fx.cert("root", "-O", "source-address=10.9.8.0/24,127.0.0.1/32"), "echo ok"));
    }

    @Test
    void serialRevokedWhileTheAgentRunsIsRefused() throws IOException {
        Path cert = fx.cert("root");
        Path other = fx.cert("root");
        assertAccepted(fx.ssh(cert, "echo ok"));

        revoke("serial: " + AgentFixture.serialOf(cert));

        awaitRefused(cert);
        assertRefused(fx.ssh(cert, "echo ok"), "certificate is revoked");
        assertAccepted(fx.ssh(other, "echo ok")); // only that serial
    }

    @Test
    void keyIdRevokedWhileTheAgentRunsIsRefused() throws IOException {
        Path cert = fx.cert("root");
        assertAccepted(fx.ssh(cert, "echo ok"));
        String keyId = "key-" + (AgentFixture.serialOf(cert) - 100);

        revoke("id: " + keyId);

        awaitRefused(cert);
        assertRefused(fx.ssh(cert, "echo ok"), "certificate is revoked");
    }

    @Test
    void plainKeyIsRefused() {
        Path plain = dir.resolve("plain_key");
        if (!Files.exists(plain)) {
            AgentFixture.keygen(plain);
        }
        List<String> cmd = new ArrayList<>(List.of("ssh", "-F", "none", "-o", "BatchMode=yes", "-o",
                "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-i", plain.toString(),
                "-o", "UserKnownHostsFile=" + fx.knownHosts, "-o", "StrictHostKeyChecking=yes",
                "-p", String.valueOf(fx.agent.port()), "root@127.0.0.1", "echo ok"));
        assertRefused(Processes.run(AgentFixture.TIMEOUT, cmd), "plain public key ssh-ed25519 refused");
    }

    @Test
    void passwordAndKeyboardInteractiveAreNotOffered() {
        // The client only tries methods the server lists; the agent lists publickey alone, so no client
        // can even send a password. A certificate is not offered here (no IdentityFile).
        List<String> cmd = new ArrayList<>(List.of("ssh", "-v", "-F", "none", "-o", "BatchMode=yes",
                "-o", "PubkeyAuthentication=no", "-o", "IdentityAgent=none", "-o", "PasswordAuthentication=yes",
                "-o", "KbdInteractiveAuthentication=yes",
                "-o", "PreferredAuthentications=password,keyboard-interactive",
                "-o", "UserKnownHostsFile=" + fx.knownHosts, "-o", "StrictHostKeyChecking=yes",
                "-p", String.valueOf(fx.agent.port()), "root@127.0.0.1", "echo ok"));
        ProcessResult r = Processes.run(AgentFixture.TIMEOUT, cmd);
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(255);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).containsPattern("Authentications that can continue: publickey\r?\n")
                .contains("Permission denied (publickey).")
                .doesNotContain("Next authentication method: password")
                .doesNotContain("Next authentication method: keyboard-interactive");
    }

    private static void revoke(String spec) throws IOException {
        Path specFile = Files.createTempFile(dir, "krl-spec", ".txt");
        Files.writeString(specFile, spec + "\n");
        keygen("-k", "-u", "-f", krl.toString(), "-s", dir.resolve("user_ca.pub").toString(), specFile.toString());
    }

    /** The agent re-reads the KRL when it changes (looking at most once a second): wait, bounded. */
    private static void awaitRefused(Path cert) {
        AgentFixture.await("the agent refuses " + cert + " after the KRL changed",
                () -> fx.ssh(cert, "echo ok").exitCode() == 255);
    }

    private static void keygen(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ssh-keygen", "-q"));
        cmd.addAll(List.of(args));
        ProcessResult r = Processes.run(AgentFixture.TIMEOUT, cmd);
        assertThat(r.exitCode()).as(r.toString()).isZero();
    }

    private static void assertAccepted(ProcessResult r) {
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).isEqualTo("ok\n");
    }

    private void assertRefused(ProcessResult r, String reason) {
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(255);
        assertThat(r.stderr()).contains("Permission denied (publickey)");
        assertThat(r.stdout()).isEmpty();
        assertThat(log.lines()).as("the agent's refusal log").anySatisfy(l -> assertThat(l)
                .startsWith("auth refused: " + reason));
    }
}

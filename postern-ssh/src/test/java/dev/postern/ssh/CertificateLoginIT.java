package dev.postern.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.testing.MutableClock;
import dev.postern.testing.ProcessResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Logins with the real OpenSSH client and certificates made by the real ssh-keygen. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CertificateLoginIT {
    @TempDir
    static Path dir;
    TestCa ca;
    TestCa otherCa;
    Path userKey;
    MutableClock clock;
    final AtomicReference<RevocationList> revocations = new AtomicReference<>(RevocationList.empty());
    TestServer server;
    Path knownHosts;
    LogCapture log;

    @BeforeAll
    void start() {
        ca = new TestCa(dir, "user_ca");
        otherCa = new TestCa(dir, "other_ca");
        userKey = ca.newUserKey("alice_key");
        clock = MutableClock.atWallTime();
        TrustPolicy policy = TrustPolicy.of(() -> List.of(ca.caPublicKey()), revocations::get, clock);
        server = new TestServer(new CertificateAuthenticator(policy), HostKeys.loadOrCreate(dir.resolve("host")));
        knownHosts = OpenSsh.knownHosts(dir, server.knownHostsLine());
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
    }

    @BeforeEach
    void reset() {
        clock.set(Instant.ofEpochSecond(Instant.now().getEpochSecond()));
        revocations.set(RevocationList.empty());
        log = new LogCapture(CertificateAuthenticator.class);
    }

    @AfterEach
    void detach() {
        log.close();
    }

    private ProcessResult login(String login, Path cert) {
        return OpenSsh.ssh(server.port(), login, knownHosts, OpenSsh.identity(userKey, cert));
    }

    private void assertAccepted(ProcessResult r) {
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).isEqualTo("ok\n");
    }

    private void assertRefused(ProcessResult r, String reason) {
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(255);
        assertThat(r.stderr()).contains("Permission denied");
        assertThat(r.stdout()).isEmpty();
        assertThat(log.lines()).as("refusal log").anySatisfy(l -> assertThat(l).startsWith("auth refused: " + reason));
    }

    @Test
    void validCertificateLogsIn() {
        Path cert = ca.sign(userKey, "alice@example.com", "-n", "alice,bob", "-z", "42", "-V", "-5m:+1h");
        assertAccepted(login("alice", cert));
        assertThat(log.lines()).isEmpty();
    }

    @Test
    void theHandshakeOfATcpLoginIsAcknowledgedAtOnceAndAJumpHostKeepsDoingSo() throws Exception {
        // OpenSSH's client keeps Nagle on during the handshake (and ssh -J on its whole jump connection); without
        // immediate ACKs from the server its second small write waits for a delayed ACK (about 40 ms each)
        Path cert = ca.sign(userKey, "quickack", "-n", "alice");
        QuickAckSessionFactory.QuickAckSession plain = sessionOfOneLogin(server, cert);
        TrustPolicy policy = TrustPolicy.of(() -> List.of(ca.caPublicKey()), revocations::get, clock);
        try (TestServer jump = new TestServer(new CertificateAuthenticator(policy), server.hostKeys,
                ServerLimits.defaults(), true)) {
            QuickAckSessionFactory.QuickAckSession jumpSession = sessionOfOneLogin(jump, cert);
            assertThat(plain.quickAcks()).as("reads of the handshake followed by an immediate ACK")
                    .isGreaterThanOrEqualTo(3);
            assertThat(plain.quickAcksAfterLogin()).isZero();
            // the same login: the jump host also acknowledges the channel open and exec request at once
            assertThat(jumpSession.quickAcks()).isGreaterThanOrEqualTo(3);
            assertThat(jumpSession.quickAcksAfterLogin()).isPositive();
        }
    }

    private QuickAckSessionFactory.QuickAckSession sessionOfOneLogin(TestServer target, Path cert) {
        List<org.apache.sshd.common.session.Session> sessions = new java.util.concurrent.CopyOnWriteArrayList<>();
        org.apache.sshd.common.session.SessionListener listener = new org.apache.sshd.common.session.SessionListener() {
            @Override
            public void sessionCreated(org.apache.sshd.common.session.Session session) {
                sessions.add(session);
            }
        };
        target.server.addSessionListener(listener);
        try {
            Path hosts = OpenSsh.knownHosts(dir, target.knownHostsLine());
            assertAccepted(OpenSsh.ssh(target.port(), "alice", hosts, OpenSsh.identity(userKey, cert)));
        } finally {
            target.server.removeSessionListener(listener);
        }
        assertThat(sessions).hasSize(1).allSatisfy(s -> assertThat(s)
                .isInstanceOf(QuickAckSessionFactory.QuickAckSession.class));
        return (QuickAckSessionFactory.QuickAckSession) sessions.get(0);
    }

    @Test
    void expiredCertificateIsRefused() {
        Path cert = ca.sign(userKey, "expired", "-n", "alice", "-V", "-5m:+1h");
        OpenSshCertificate c = TestCa.read(cert);
        clock.set(Instant.ofEpochSecond(c.getValidBefore()).plus(Duration.ofSeconds(61)));
        assertRefused(login("alice", cert), "certificate expired");
    }

    @Test
    void notYetValidBeyondSkewIsRefused() {
        Path cert = ca.sign(userKey, "future", "-n", "alice", "-V", "-5m:+1h");
        OpenSshCertificate c = TestCa.read(cert);
        clock.set(Instant.ofEpochSecond(c.getValidAfter()).minus(Duration.ofSeconds(61)));
        assertRefused(login("alice", cert), "certificate not yet valid");
    }

    @Test
    void certificateValidOnlyThanksToSkewIsAccepted() {
        // Real time is outside the window on both sides here: MINA's own check would refuse it.
        Path early = ca.sign(userKey, "early", "-n", "alice", "-V", "+30s:+1h");
        clock.set(Instant.ofEpochSecond(TestCa.read(early).getValidAfter()).minus(Duration.ofSeconds(59)));
        assertAccepted(login("alice", early));

        Path late = ca.sign(userKey, "late", "-n", "alice", "-V", "-1h:-10s");
        clock.set(Instant.ofEpochSecond(TestCa.read(late).getValidBefore()).plus(Duration.ofSeconds(59)));
        assertAccepted(login("alice", late));
    }

    @Test
    void untrustedCaIsRefused() {
        Path cert = otherCa.sign(userKey, "other", "-n", "alice");
        assertRefused(login("alice", cert), "signed by an untrusted CA");
    }

    @Test
    void loginNotAPrincipalIsRefused() {
        Path cert = ca.sign(userKey, "bob-only", "-n", "bob");
        assertRefused(login("alice", cert), "login \"alice\" is not a principal");
    }

    @Test
    void emptyPrincipalsAreRefused() {
        Path cert = ca.sign(userKey, "anyone");
        assertThat(TestCa.read(cert).getPrincipals()).isEmpty();
        assertRefused(login("alice", cert), "certificate has no principals");
    }

    @Test
    void unknownCriticalOptionIsRefused() {
        Path cert = ca.sign(userKey, "crit", "-n", "alice", "-O", "critical:frobnicate=yes");
        assertRefused(login("alice", cert), "unknown critical option \"frobnicate\"");
    }

    @Test
    void revokedSerialIsRefused() throws Exception {
        Path cert = ca.sign(userKey, "serial-77", "-n", "alice", "-z", "77");
        revocations.set(krl("serial: 70-80"));
        assertRefused(login("alice", cert), "certificate is revoked");
    }

    @Test
    void revokedKeyIdIsRefused() throws Exception {
        Path cert = ca.sign(userKey, "mallory@example.com", "-n", "alice", "-z", "5");
        revocations.set(krl("id: mallory@example.com"));
        assertRefused(login("alice", cert), "certificate is revoked");
    }

    @Test
    void sourceAddressMismatchIsRefused() {
        Path cert = ca.sign(userKey, "elsewhere", "-n", "alice", "-O", "source-address=10.0.0.0/8,192.168.1.1");
        assertRefused(login("alice", cert), "source-address \"10.0.0.0/8,192.168.1.1\" does not allow 127.0.0.1");
    }

    @Test
    void sourceAddressMatchIsAccepted() {
        Path cert = ca.sign(userKey, "here", "-n", "alice", "-O", "source-address=10.0.0.0/8,127.0.0.0/8");
        assertAccepted(login("alice", cert));
    }

    @Test
    void plainKeyIsRefused() {
        ProcessResult r = OpenSsh.ssh(server.port(), "alice", knownHosts, List.of("-i", userKey.toString()));
        assertRefused(r, "plain public key ssh-ed25519 refused");
    }

    @Test
    void passwordAndKeyboardInteractiveAreNotOffered() {
        ProcessResult r = OpenSsh.ssh(server.port(), "alice", knownHosts,
                List.of("-v", "-o", "PreferredAuthentications=password,keyboard-interactive",
                        "-o", "PubkeyAuthentication=no"));
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(255);
        assertThat(r.stderr()).contains("Authentications that can continue: publickey\r\n")
                .contains("Permission denied (publickey)");
    }

    @Test
    void forceCommandAndExtensionsReachTheGrant() {
        Path cert = ca.sign(userKey, "forced", "-n", "alice", "-z", "9", "-O", "clear", "-O", "permit-pty",
                "-O", "force-command=/usr/bin/true");
        List<CertificateGrant> grants = new ArrayList<>();
        server.server.addSessionListener(new org.apache.sshd.common.session.SessionListener() {
            @Override
            public void sessionEvent(org.apache.sshd.common.session.Session session, Event event) {
                if (event == Event.Authenticated) {
                    grants.add(session.getAttribute(CertificateGrant.KEY));
                }
            }
        });
        assertAccepted(login("alice", cert));
        assertThat(grants).hasSize(1);
        CertificateGrant g = grants.get(0);
        assertThat(g.login()).isEqualTo("alice");
        assertThat(g.keyId()).isEqualTo("forced");
        assertThat(g.serial()).isEqualTo(9);
        assertThat(g.forceCommand()).contains("/usr/bin/true");
        assertThat(g.permitPty()).isTrue();
        assertThat(g.permitPortForwarding()).isFalse();
        assertThat(g.permitAgentForwarding()).isFalse();
    }

    private RevocationList krl(String spec) throws Exception {
        Path specFile = Files.createTempFile(dir, "spec", "");
        Files.writeString(specFile, spec + "\n");
        Path krl = dir.resolve("krl-" + specFile.getFileName());
        TestCa.run(List.of("ssh-keygen", "-k", "-f", krl.toString(), "-s", ca.caPublicKeyFile().toString(),
                specFile.toString()));
        return RevocationList.parse(Files.readAllBytes(krl));
    }
}

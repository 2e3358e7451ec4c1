package dev.postern.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postern.common.AppScope;
import dev.postern.testing.MutableClock;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's defence in depth: an authenticator that knows its app takes only certificates whose
 * {@value AppScope#EXTENSION} extension names it (or {@code *}). The certificates are made by {@code ssh-keygen -O
 * extension:NAME=VALUE}, the oracle for how OpenSSH encodes an extension's value; one that knows no app does not
 * look at the extension.
 */
class CertificateAppScopeTest {
    @TempDir
    Path dir;
    private TestCa ca;
    private Path key;
    private TrustPolicy policy;
    private final InetSocketAddress from = new InetSocketAddress("127.0.0.1", 40000);

    @BeforeEach
    void ca() {
        ca = new TestCa(dir, "user_ca");
        key = ca.newUserKey("bob_key");
        policy = TrustPolicy.fixed(List.of(ca.caPublicKey()), MutableClock.atWallTime());
    }

    private OpenSshCertificate cert(String... extra) {
        return TestCa.read(ca.sign(key, "postern:acme:bob@example.com:" + System.nanoTime(), extra));
    }

    private static CertificateAuthenticator forApp(TrustPolicy policy, String app) {
        return new CertificateAuthenticator(policy, Optional.of(app));
    }

    @Test
    void aCertificateNamingTheAppOrAllIsTaken() throws Exception {
        OpenSshCertificate webAndDb = cert("-n", "app", "-O", "extension:" + AppScope.EXTENSION + "=db,web");
        assertThat(forApp(policy, "web").check("app", webAndDb, from).login()).isEqualTo("app");
        assertThat(forApp(policy, "db").check("app", webAndDb, from).login()).isEqualTo("app");
        OpenSshCertificate all = cert("-n", "root", "-O", "extension:" + AppScope.EXTENSION + "=*");
        assertThat(forApp(policy, "web").check("root", all, from).login()).isEqualTo("root");
    }

    @Test
    void aCertificateForAnotherAppOrForNoneIsRefusedByAnAgentThatKnowsItsApp() {
        OpenSshCertificate db = cert("-n", "app", "-O", "extension:" + AppScope.EXTENSION + "=db");
        assertThatThrownBy(() -> forApp(policy, "web").check("app", db, from))
                .isInstanceOf(CertificateRefusedException.class).hasMessage("certificate is for apps db, not web");
        // a prefix or a longer name is another app
        OpenSshCertificate webby = cert("-n", "app", "-O", "extension:" + AppScope.EXTENSION + "=webby,we");
        assertThatThrownBy(() -> forApp(policy, "web").check("app", webby, from))
                .isInstanceOf(CertificateRefusedException.class);
        OpenSshCertificate none = cert("-n", "app");
        assertThatThrownBy(() -> forApp(policy, "web").check("app", none, from))
                .isInstanceOf(CertificateRefusedException.class).hasMessageContaining(AppScope.EXTENSION + " missing");
    }

    @Test
    void anAuthenticatorThatKnowsNoAppTakesCertificatesWithoutTheExtension() throws Exception {
        OpenSshCertificate none = cert("-n", "app");
        assertThat(new CertificateAuthenticator(policy).check("app", none, from).login()).isEqualTo("app");
    }
}

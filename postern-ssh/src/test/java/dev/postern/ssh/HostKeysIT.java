package dev.postern.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postern.testing.ProcessResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Host key persistence and host certificates, checked by the real OpenSSH client. */
class HostKeysIT {
    @TempDir
    Path dir;

    @Test
    void hostCertificateWithCertAuthorityKnownHostsAndStrictChecking() throws Exception {
        TestCa userCa = new TestCa(dir, "user_ca");
        TestCa hostCa = new TestCa(dir, "host_ca");
        Path data = dir.resolve("data");
        HostKeys first = HostKeys.loadOrCreate(data);
        Path hostCert = dir.resolve("host-cert.pub");
        Path hostPub = data.resolve(HostKeys.KEY_FILE + ".pub");
        TestCa.run(List.of("ssh-keygen", "-q", "-s", hostCa.caPrivateKey().toString(), "-I", "machine-1", "-h",
                "-n", "127.0.0.1,m1.vm.web.internal", hostPub.toString()));
        Files.move(data.resolve(HostKeys.KEY_FILE + "-cert.pub"), hostCert);

        HostKeys keys = HostKeys.loadOrCreate(data, Optional.of(hostCert));
        assertThat(KeyUtils.compareKeys(keys.publicKey(), first.publicKey())).isTrue();
        Path user = userCa.newUserKey("alice");
        Path cert = userCa.sign(user, "alice", "-n", "alice");
        TrustPolicy policy = TrustPolicy.fixed(List.of(userCa.caPublicKey()), Clock.systemUTC());
        try (TestServer server = new TestServer(new CertificateAuthenticator(policy), keys)) {
            Path knownHosts = OpenSsh.knownHosts(dir, "@cert-authority * " + OpenSshKeys.toLine(hostCa.caPublicKey()));
            List<String> opts = new java.util.ArrayList<>(OpenSsh.identity(user, cert));
            opts.addAll(List.of("-o", "HostKeyAlgorithms=ssh-ed25519-cert-v01@openssh.com"));
            ProcessResult r = OpenSsh.ssh(server.port(), "alice", knownHosts, opts);
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.stdout()).isEqualTo("ok\n");

            // Without the CA line the same client refuses the server: the check is real.
            Path emptyKnownHosts = OpenSsh.knownHosts(dir, "");
            ProcessResult refused = OpenSsh.ssh(server.port(), "alice", emptyKnownHosts, OpenSsh.identity(user, cert));
            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(255);
            assertThat(refused.stderr()).contains("Host key verification failed");
        }
    }

    @Test
    void hostKeyIsStableAcrossRestartsAndPrivate() throws Exception {
        Path data = dir.resolve("data");
        HostKeys first = HostKeys.loadOrCreate(data);
        Path keyFile = data.resolve(HostKeys.KEY_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).as("a new data dir")
                .isEqualTo("rwx------");
        assertThat(Files.readString(keyFile)).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----");
        // ssh-keygen can read it: it is standard OpenSSH format.
        ProcessResult pub = TestCa.run(List.of("ssh-keygen", "-y", "-f", keyFile.toString()));
        assertThat(pub.stdout()).startsWith(first.publicKeyLine());

        TestCa userCa = new TestCa(dir, "user_ca");
        Path user = userCa.newUserKey("alice");
        Path cert = userCa.sign(user, "alice", "-n", "alice");
        TrustPolicy policy = TrustPolicy.fixed(List.of(userCa.caPublicKey()), Clock.systemUTC());
        HostKeys second = HostKeys.loadOrCreate(data);
        assertThat(second.publicKeyLine()).isEqualTo(first.publicKeyLine());
        try (TestServer server = new TestServer(new CertificateAuthenticator(policy), second)) {
            // known_hosts holds the key from before the restart.
            Path kh = OpenSsh.knownHosts(dir, "[127.0.0.1]:" + server.port() + " " + first.publicKeyLine());
            ProcessResult r = OpenSsh.ssh(server.port(), "alice", kh, OpenSsh.identity(user, cert));
            assertThat(r.exitCode()).as(r.toString()).isZero();
        }
    }

    @Test
    void certificateMustBeAHostCertificateForThisKey() throws Exception {
        TestCa ca = new TestCa(dir, "ca");
        Path data = dir.resolve("data");
        HostKeys.loadOrCreate(data);
        Path hostPub = data.resolve(HostKeys.KEY_FILE + ".pub");

        TestCa.run(List.of("ssh-keygen", "-q", "-s", ca.caPrivateKey().toString(), "-I", "user-not-host",
                "-n", "x", hostPub.toString()));
        Path userTypeCert = data.resolve(HostKeys.KEY_FILE + "-cert.pub");
        assertThatThrownBy(() -> HostKeys.loadOrCreate(data, Optional.of(userTypeCert)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is a USER certificate");

        Path other = ca.newUserKey("other_host");
        TestCa.run(List.of("ssh-keygen", "-q", "-s", ca.caPrivateKey().toString(), "-I", "other", "-h",
                "-n", "x", other + ".pub"));
        Path otherCert = Path.of(other + "-cert.pub");
        assertThatThrownBy(() -> HostKeys.loadOrCreate(data, Optional.of(otherCert)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not this host key");

        Path notACert = dir.resolve("plain.pub");
        Files.copy(hostPub, notACert);
        assertThatThrownBy(() -> HostKeys.loadOrCreate(data, Optional.of(notACert)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exactly one OpenSSH certificate");
    }
}

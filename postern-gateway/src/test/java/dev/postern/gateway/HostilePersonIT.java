package dev.postern.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postern.ssh.HostKeys;
import dev.postern.ssh.OpenSshKeys;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * People who try to log in as someone else or to reach a machine they may not: a certificate of another org's
 * CA whose key id names this org, a certificate with no principals, and names of another org's machine and app
 * written the way DNS would still resolve them (upper case, trailing dot), an address instead of a name. Each is
 * refused at the gateway; these attempts found no hole and stay as regression tests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostilePersonIT {
    static final Duration T = Duration.ofSeconds(10);
    @TempDir
    static Path dir;
    final FakeGatewayDirectory directory = new FakeGatewayDirectory();
    Gateway gateway;
    Path acmeUserCa;
    Path otherUserCa;
    MachineSession m1;

    @BeforeAll
    void start() throws Exception {
        acmeUserCa = Keys.keygen(dir, "acme_user_ca");
        Path acmeHostCa = Keys.keygen(dir, "acme_host_ca");
        otherUserCa = Keys.keygen(dir, "other_user_ca");
        directory.addOrg("acme", Keys.publicKey(acmeUserCa), Keys.publicKey(acmeHostCa));
        directory.addOrg("other", Keys.publicKey(otherUserCa), Keys.publicKey(Keys.keygen(dir, "other_host_ca")));
        directory.addMember("acme", "alice@example.com");
        directory.addMember("other", "mallory@example.com");
        directory.addMachine(new MachineRecord("acme", "web", "m1"));
        gateway = Gateway.start(GatewayConfig.of(directory, dir.resolve("gateway"), Clock.systemUTC()).withPort(0));
        Path machineDir = dir.resolve("m1");
        HostKeys.loadOrCreate(machineDir);
        Path cert = Keys.sign(acmeHostCa, Path.of(machineDir.resolve(HostKeys.KEY_FILE) + ".pub"), "-h", "-I", "m1",
                "-n", "m1.vm.web.internal,web.internal", "-V", "-5m:+1h");
        KeyPair m1Key = new KeyPair(Keys.certificate(cert),
                HostKeys.loadOrCreate(machineDir, Optional.of(cert)).keyPair().getPrivate());
        m1 = MachineSession.login(gateway.port(), "m1", m1Key, gatewayKey());
        assertThat(m1.forward("m1.vm.web.internal", 22)).isTrue();
    }

    @AfterAll
    void stop() {
        if (m1 != null) {
            m1.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    private PublicKey gatewayKey() {
        return OpenSshKeys.parsePublicKey(gateway.hostKeyLine());
    }

    private Path person(String name, Path ca, String... signArgs) {
        Path key = Keys.keygen(dir, name);
        Keys.sign(ca, Path.of(key + ".pub"), signArgs);
        return key;
    }

    private LiveUserSession login(Path key) throws Exception {
        return LiveUserSession.open(gateway.port(), key, Path.of(key + "-cert.pub"), gatewayKey());
    }

    @Test
    void anotherOrgsCaCannotSignForThisOrgEvenForOneOfItsMembers() {
        // mallory holds other's CA (she is its owner), and alice is a member of acme: a key id naming acme and alice
        Path forged = person("forged", otherUserCa, "-I", "postern:acme:alice@example.com:99", "-n", "root", "-z",
                "99", "-V", "-5m:+1h");
        assertThatThrownBy(() -> login(forged)).hasMessageContaining("No more authentication methods available");
    }

    @Test
    void aCertificateWithNoPrincipalsIsRefused() {
        // OpenSSH reads a certificate without principals as valid for every login
        Path none = person("noprincipals", acmeUserCa, "-I", "postern:acme:alice@example.com:98", "-z", "98", "-V",
                "-5m:+1h");
        assertThatThrownBy(() -> login(none)).hasMessageContaining("No more authentication methods available");
    }

    @Test
    void aPersonOfAnotherOrgReachesNoMachineOfThisOrgWhateverTheSpelling() throws Exception {
        Path mallory = person("mallory", otherUserCa, "-I", "postern:other:mallory@example.com:5", "-n", "mallory",
                "-z", "5", "-V", "-5m:+1h");
        try (LiveUserSession s = login(mallory)) {
            assertThat(refusal(s, "m1.vm.web.internal")).contains("no machine m1 in app web");
            assertThat(refusal(s, "M1.VM.WEB.INTERNAL.")).contains("no machine m1 in app web");
            // her own org may well have an app called web: <app>.internal is looked up in her org only
            assertThat(refusal(s, "web.internal")).contains("no machine of app web is online");
            assertThat(refusal(s, "WEB.Internal.")).contains("no machine of app web is online");
            assertThat(refusal(s, "fd00::1")).contains("the gateway only connects to");
            assertThat(refusal(s, "m1.vm.web.internal.evil.example")).contains("the gateway only connects to");
            assertThat(refusal(s, "m1.vm.web.internal\u0000")).contains("the gateway only connects to");
            assertThat(s.isOpen()).isTrue();
        }
    }

    /** Why the gateway refused a direct-tcpip channel to {@code host}:22. */
    private static String refusal(LiveUserSession s, String host) throws Exception {
        ChannelDirectTcpip channel = s.session().createDirectTcpipChannel(new SshdSocketAddress("127.0.0.1", 0),
                new SshdSocketAddress(host, 22));
        OpenFuture f = channel.open();
        assertThat(f.await(T)).as("an answer for %s", host).isTrue();
        assertThat(f.isOpened()).as("%s opened", host).isFalse();
        return String.valueOf(f.getException());
    }
}

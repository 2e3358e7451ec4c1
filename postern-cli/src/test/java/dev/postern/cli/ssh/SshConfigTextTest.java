package dev.postern.cli.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postern.cli.server.HostPort;
import dev.postern.ssh.OpenSshKeys;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.Test;

class SshConfigTextTest {
    final String gateway = key();
    final String hostCa = key();
    final Path identity = Path.of("/home/p/.ssh/id_postern");
    final Path knownHosts = Path.of("/home/p/.postern/ssh/known_hosts_acme");
    final SshConfigText text = new SshConfigText("acme", "web", "root", new HostPort("127.0.0.1", 2222),
            gateway + " gw-comment", hostCa + " ca comment", identity, knownHosts);

    @Test
    void configJumpsThroughThePinnedGatewayWithStrictChecking() {
        String c = text.config();
        assertThat(c).contains("Host postern-gateway-acme\n  HostName 127.0.0.1\n  Port 2222\n  HostKeyAlias postern-gateway-acme\n");
        assertThat(c).contains("Host *.vm.web.internal web.internal\n  ProxyJump postern-gateway-acme\n  User root\n");
        assertThat(c).contains("  IdentityFile /home/p/.ssh/id_postern\n  CertificateFile /home/p/.ssh/id_postern-cert.pub\n");
        assertThat(c).contains("  StrictHostKeyChecking yes\n  UserKnownHostsFile /home/p/.postern/ssh/known_hosts_acme\n");
        assertThat(c).doesNotContain("StrictHostKeyChecking no").doesNotContain("accept-new");
        assertThat(c.split("StrictHostKeyChecking yes", -1)).hasSize(3);
    }

    /** A plan's config (OpenSshPlan) prefers AES-GCM on both hops and quiets the jump; a person's keeps defaults. */
    @Test
    void aPlansConfigPrefersAesGcmOnBothHopsAndAPersonsKeepsOpenSshsDefaults() {
        String plan = text.config(true);
        assertThat(plan.split("  Ciphers \\^aes128-gcm@openssh.com\n", -1)).hasSize(3);
        assertThat(plan.split("LogLevel QUIET", -1)).hasSize(2);
        assertThat(plan.replace("  Ciphers ^aes128-gcm@openssh.com\n", "").replace("  LogLevel QUIET\n", ""))
                .isEqualTo(text.config());
        assertThat(text.config()).doesNotContain("Ciphers").doesNotContain("LogLevel");
    }

    @Test
    void knownHostsTrustsTheHostCaForInternalNamesAndPinsTheGateway() {
        assertThat(text.knownHostsText().lines().filter(l -> !l.startsWith("#")))
                .containsExactly("@cert-authority *.internal " + hostCa, "postern-gateway-acme " + gateway);
    }

    @Test
    void aValueThatCouldEndADirectiveIsRefusedEvenWhenTheCallerForgotToCheckIt() {
        HostPort gw = new HostPort("127.0.0.1", 2222);
        assertThatThrownBy(() -> new SshConfigText("acme", "web", "root", new HostPort("h\n  ProxyCommand x", 22), gateway,
                hostCa, identity, knownHosts)).hasMessageContaining("gateway host").hasMessageNotContaining("\n");
        assertThatThrownBy(() -> new SshConfigText("acme", "web", "root", new HostPort("h", 0), gateway, hostCa, identity,
                knownHosts)).hasMessageContaining("gateway port");
        assertThatThrownBy(() -> new SshConfigText("../acme", "web", "root", gw, gateway, hostCa, identity, knownHosts))
                .hasMessageContaining("org");
        assertThatThrownBy(() -> new SshConfigText("acme", "web", "root -x", gw, gateway, hostCa, identity, knownHosts))
                .hasMessageContaining("user");
        assertThatThrownBy(() -> new SshConfigText("acme", "web", "root", gw, gateway, hostCa + "\n* " + gateway, identity,
                knownHosts)).hasMessageContaining("host CA key");
        assertThatThrownBy(() -> new SshConfigText("acme", "web", "root", gw, gateway, hostCa,
                Path.of("/home/%d/.ssh/id"), knownHosts)).hasMessageContaining("identity path");
    }

    private static String key() {
        try {
            return OpenSshKeys.toLine(KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256).getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

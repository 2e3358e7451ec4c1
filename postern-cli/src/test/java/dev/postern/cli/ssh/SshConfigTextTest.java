package dev.postern.cli.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.cli.server.HostPort;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SshConfigTextTest {
    final SshConfigText text = new SshConfigText("acme", "web", "root", new HostPort("127.0.0.1", 2222),
            "ssh-ed25519 AAAAgateway gw-comment", "ssh-ed25519 AAAAhostca ca comment", Path.of("/home/p/.ssh/id_postern"),
            Path.of("/home/p/.postern/ssh/known_hosts_acme"));

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

    @Test
    void knownHostsTrustsTheHostCaForInternalNamesAndPinsTheGateway() {
        assertThat(text.knownHostsText().lines().filter(l -> !l.startsWith("#")))
                .containsExactly("@cert-authority *.internal ssh-ed25519 AAAAhostca",
                        "postern-gateway-acme ssh-ed25519 AAAAgateway");
    }
}

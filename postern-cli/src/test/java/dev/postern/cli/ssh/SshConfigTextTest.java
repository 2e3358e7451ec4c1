package dev.postern.cli.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postern.cli.server.HostPort;
import dev.postern.ssh.OpenSshKeys;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.Test;

class SshConfigTextTest {
    final String gateway = key();
    final String hostCa = key();
    final Path identity = Path.of("/home/p/.ssh/id_postern");
    final Path knownHosts = Path.of("/home/p/.postern/ssh/known_hosts_acme");
    final SshConfigText text = new SshConfigText("prod", "acme", "web", "root", new HostPort("127.0.0.1", 2222),
            gateway + " gw-comment", hostCa + " ca comment", identity, knownHosts);

    @Test
    void configJumpsThroughThePinnedGatewayWithStrictChecking() {
        String c = text.config(false);
        assertThat(c).contains("Host postern-gateway-acme.prod\n  HostName 127.0.0.1\n  Port 2222\n"
                + "  HostKeyAlias postern-gateway-acme.prod\n");
        assertThat(c).contains("Host *.vm.web.internal web.internal\n  ProxyJump postern-gateway-acme.prod\n  User root\n");
        assertThat(c).contains("  IdentityFile /home/p/.ssh/id_postern\n  CertificateFile /home/p/.ssh/id_postern-cert.pub\n");
        assertThat(c).contains("  StrictHostKeyChecking yes\n  UserKnownHostsFile /home/p/.postern/ssh/known_hosts_acme\n");
        assertThat(c).doesNotContain("StrictHostKeyChecking no").doesNotContain("accept-new");
        assertThat(c.split("StrictHostKeyChecking yes", -1)).hasSize(3);
    }

    /** Both hops keep an idle session alive past the gateway's and the agent's idle timeouts, as postern's client. */
    @Test
    void everyBlockSendsKeepalivesWithABoundedCountOfMissedAnswers() {
        String c = text.config(false);
        assertThat(c.split("  ServerAliveInterval 15\n  ServerAliveCountMax 3\n", -1)).hasSize(3);
        String all = text.config(java.util.List.of("m1"), true, true, true);
        assertThat(all.split("ServerAliveCountMax 3", -1)).hasSize(all.split("StrictHostKeyChecking yes", -1).length);
    }

    /** A plan's config (OpenSshPlan) prefers AES-GCM on both hops and quiets the jump; a person's keeps defaults. */
    @Test
    void aPlansConfigPrefersAesGcmOnBothHopsAndAPersonsKeepsOpenSshsDefaults() {
        String plan = text.config(true);
        assertThat(plan.split("  Ciphers \\^aes128-gcm@openssh.com\n", -1)).hasSize(3);
        assertThat(plan.split("LogLevel QUIET", -1)).hasSize(2);
        assertThat(plan.replace("  Ciphers ^aes128-gcm@openssh.com\n", "").replace("  LogLevel QUIET\n", ""))
                .isEqualTo(text.config(false));
        assertThat(text.config(false)).doesNotContain("Ciphers").doesNotContain("LogLevel");
        assertThat(text.config(List.of("m1"), true, true, true)).doesNotContain("Ciphers").doesNotContain("LogLevel");
    }

    @Test
    void knownHostsTrustsTheHostCaForInternalNamesAndPinsTheGateway() {
        assertThat(text.knownHostsText().lines().filter(l -> !l.startsWith("#")))
                .containsExactly("@cert-authority *.internal " + hostCa, "postern-gateway-acme.prod " + gateway);
    }

    @Test
    void aValueThatCouldEndADirectiveIsRefusedEvenWhenTheCallerForgotToCheckIt() {
        HostPort gw = new HostPort("127.0.0.1", 2222);
        assertThatThrownBy(() -> new SshConfigText("prod", "acme", "web", "root", new HostPort("h\n  ProxyCommand x", 22), gateway,
                hostCa, identity, knownHosts)).hasMessageContaining("gateway host").hasMessageNotContaining("\n");
        assertThatThrownBy(() -> new SshConfigText("prod", "acme", "web", "root", new HostPort("h", 0), gateway, hostCa, identity,
                knownHosts)).hasMessageContaining("gateway port");
        assertThatThrownBy(() -> new SshConfigText("prod", "../acme", "web", "root", gw, gateway, hostCa, identity, knownHosts))
                .hasMessageContaining("org");
        assertThatThrownBy(() -> new SshConfigText("prod", "acme", "web", "root -x", gw, gateway, hostCa, identity, knownHosts))
                .hasMessageContaining("user");
        assertThatThrownBy(() -> new SshConfigText("prod", "acme", "web", "root", gw, gateway, hostCa + "\n* " + gateway, identity,
                knownHosts)).hasMessageContaining("host CA key");
        assertThatThrownBy(() -> new SshConfigText("prod", "acme", "web", "root", gw, gateway, hostCa,
                Path.of("/home/%d/.ssh/id"), knownHosts)).hasMessageContaining("identity path");
        assertThatThrownBy(() -> new SshConfigText("prod\n  ProxyCommand x", "acme", "web", "root", gw, gateway, hostCa,
                identity, knownHosts)).hasMessageContaining("login context").hasMessageNotContaining("\n");
    }

    /**
     * The names with the context are always there, each machine's mapped to its own name; the short names only when
     * the context opted in, the machines' own names when no other context competes, {@code <app>.internal} when
     * nothing does; {@code <app>.<org>.internal} without the label never (an org docker, app host: Docker's name).
     */
    @Test
    void everyNameWithTheContextIsThereAndShortNamesOnlyWhenOptedInAndUncontested() {
        String all = text.config(List.of("m1", "m2"), true, true, true);
        assertThat(all).contains("Host web.acme.internal.prod\n  HostName web.internal\n  ProxyJump postern-gateway-acme.prod\n",
                "Host m1.vm.web.internal.prod\n  HostName m1.vm.web.internal\n",
                "Host m2.vm.web.internal.prod\n  HostName m2.vm.web.internal\n",
                "Host m1.vm.web.internal.prod m2.vm.web.internal.prod\n  ProxyJump postern-gateway-acme.prod\n",
                "Host m1.vm.web.internal m2.vm.web.internal\n", "Host *.vm.web.internal web.internal\n");
        assertThat(all).doesNotContain("Host web.acme.internal\n").doesNotContain("web.acme.internal ");
        assertThat(all.split("StrictHostKeyChecking yes", -1)).as("every block's").hasSize(6);
        String withoutShort = text.config(List.of("m1"), true, true, false);
        assertThat(withoutShort).contains("Host m1.vm.web.internal\n")
                .doesNotContain("Host *.vm.web.internal").contains("use web.acme.internal.prod or <id>.vm.web.internal.prod");
        String contextOnly = text.config(List.of("m1"), true, false, true);
        assertThat(contextOnly).contains("Host web.acme.internal.prod\n", "Host m1.vm.web.internal.prod\n")
                .doesNotContain("Host m1.vm.web.internal\n")
                .as("no short names without the others").doesNotContain("Host *.vm.web.internal");
        for (String off : List.of(text.config(List.of("m1"), false, true, true), text.config(List.of(), false, true, true))) {
            assertThat(off).as("off: only names with the label").contains("Host web.acme.internal.prod\n")
                    .doesNotContain("Host m1.vm.web.internal\n").doesNotContain("internal web.internal")
                    .doesNotContain("Host *.vm").contains("short names (web.internal, <id>.vm.web.internal) are off for"
                            + " login context prod", "--context prod --short-names' turns them on");
            assertThat(off.lines().filter(l -> l.startsWith("Host ")).toList()).allMatch(l -> l.endsWith(".prod"));
        }
        assertThat(text.config(List.of(), true, true, true)).contains("Host *.vm.web.internal web.internal\n")
                .contains("# (none: the app had no machine when this was written)\n");
        assertThat(SshConfigText.header(all.lines().findFirst().orElseThrow())).get()
                .isEqualTo(new SshConfigText.Header("web", "acme", "prod"));
    }

    /** A context whose name is no DNS label gets one with a hash of the name, so {@code a.b} and {@code a-b} differ. */
    @Test
    void aContextThatIsNoDnsLabelIsNamedByALabelOfItsOwn() {
        SshConfigText local = new SshConfigText("127.0.0.1:7070", "acme", "web", "root", new HostPort("127.0.0.1", 2222),
                gateway, hostCa, identity, knownHosts);
        assertThat(local.label()).matches("127-0-0-1-7070--[0-9a-f]{16}");
        assertThat(local.gatewayAlias()).isEqualTo("postern-gateway-acme." + local.label());
        assertThat(SshConfigText.header(local.config(List.of(), true, true, true).lines().findFirst().orElseThrow()))
                .get().extracting(SshConfigText.Header::context).isEqualTo("127.0.0.1:7070");
    }

    private static String key() {
        try {
            return OpenSshKeys.toLine(KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256).getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

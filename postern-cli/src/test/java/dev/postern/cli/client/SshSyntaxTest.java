package dev.postern.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.cli.server.HostPort;
import dev.postern.ssh.OpenSshKeys;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.Test;

class SshSyntaxTest {
    @Test
    void hostsAreDnsNamesOrAddressesAndNothingElse() {
        for (String ok : List.of("gw.example.com", "localhost", "10.0.0.1", "::1", "fd00:1::2", "a-b.c1", "x.internal.")) {
            assertThat(SshSyntax.host(ok)).as(ok).isPresent();
        }
        for (String bad : List.of("", "gw.example.com\n  ProxyCommand x", "-oProxyCommand=x", "a b", "a\"b", "a;b",
                "256.1.1.1", "1.2.3", "-a.com", "a-.com", "a..b", "%h", "::1%eth0", ".:", "x\u202e", "gw#c")) {
            assertThat(SshSyntax.host(bad)).as(Printable.escape(bad)).isEmpty();
        }
    }

    @Test
    void hostPortNeedsBracketsForIpv6AndAPortFrom1To65535() {
        assertThat(SshSyntax.hostPort("gw.example.com:2222")).contains(new HostPort("gw.example.com", 2222));
        assertThat(SshSyntax.hostPort("[::1]:22")).contains(new HostPort("::1", 22));
        for (String bad : List.of("gw:22 -oProxyCommand=x", "gw:+22", "gw:0", "gw:65536", "gw:", ":22", "::1:22", "[gw]:22",
                "gw:22\n", " gw:22", "gw:0022x")) {
            assertThat(SshSyntax.hostPort(bad)).as(Printable.escape(bad)).isEmpty();
        }
    }

    @Test
    void namesAndLoginsAreStrict() {
        assertThat(SshSyntax.name("acme-prod")).isPresent();
        assertThat(SshSyntax.login("root")).isPresent();
        for (String bad : List.of("../x", "a b", "Acme", "-a", "a/b", "a\n", "")) {
            assertThat(SshSyntax.name(bad)).as(bad).isEmpty();
        }
        for (String bad : List.of("-oProxyCommand=x", "a b", "a\"", "%u", "x".repeat(33), "")) {
            assertThat(SshSyntax.login(bad)).as(bad).isEmpty();
        }
    }

    @Test
    void publicKeysAreParsedAndWrittenAgainWithoutTheirComment() throws GeneralSecurityException {
        String key = OpenSshKeys.toLine(KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256).getPublic());
        String rsa = OpenSshKeys.toLine(KeyUtils.generateKeyPair(KeyPairProvider.SSH_RSA, 2048).getPublic());
        assertThat(SshSyntax.publicKey(key + " any comment")).contains(key);
        assertThat(SshSyntax.publicKey(rsa)).contains(rsa);
        String[] parts = key.split(" ");
        for (String bad : List.of(key + "\n@cert-authority * " + key, key + " c\r", "ssh-ed25519 AAAAnot", parts[1],
                "ssh-rsa " + parts[1], "ssh-ed25519  " + parts[1], parts[0] + " " + parts[1] + "x", key + " \"q\"",
                "@cert-authority * " + key)) {
            assertThat(SshSyntax.publicKey(bad)).as(Printable.escape(bad)).isEmpty();
        }
    }

    @Test
    void configPathsHoldNothingSshWouldExpandOrSplit() {
        assertThat(SshSyntax.configPath(Path.of("/home/jane doe/.ssh/id_postern"))).isPresent();
        for (String bad : List.of("/home/%d/x", "/home/${HOME}/x", "/a\"b", "/a\nb", "relative/x", "/a\\b")) {
            assertThat(SshSyntax.configPath(Path.of(bad))).as(Printable.escape(bad)).isEmpty();
        }
    }
}

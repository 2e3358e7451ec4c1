package dev.postern.cli.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.cli.server.HostPort;
import dev.postern.ssh.OpenSshKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configs of {@code ssh config --write} told apart by their first line: names that collide, demotion, links. */
class SshConfigFilesTest {
    @TempDir
    Path dir;

    @Test
    void orgAndAppWhoseUsualFileNameIsTakenByAnotherPairGetTheirOwn() throws IOException {
        Path abC = dir.resolve("a-b-c.conf");
        Files.writeString(abC, text("a-b", "c").config(List.of(), true));
        assertThat(SshConfigFiles.target(dir, "a-b", "c")).isEqualTo(abC);
        assertThat(SshConfigFiles.target(dir, "a", "b-c")).as("org a, app b-c: not org a-b's file")
                .isEqualTo(dir.resolve("a.b-c.conf"));
        assertThat(SshConfigFiles.target(dir, "x", "y")).isEqualTo(dir.resolve("x-y.conf"));
    }

    @Test
    void anotherOrgsConfigOfTheSameAppNameLosesOnlyItsShortNames() throws IOException {
        Path beta = dir.resolve("beta-web.conf");
        String full = text("beta", "web").config(List.of("m1"), true);
        Files.writeString(beta, full);
        Files.writeString(dir.resolve("beta-api.conf"), text("beta", "api").config(List.of(), true));
        assertThat(SshConfigFiles.otherOrgs(dir, "acme", "web")).containsExactly(beta);
        assertThat(SshConfigFiles.otherOrgs(dir, "beta", "web")).isEmpty();

        assertThat(SshConfigFiles.demote(beta)).isTrue();
        String demoted = Files.readString(beta);
        assertThat(demoted).doesNotContain("Host *.vm.web.internal").contains("Host web.beta.internal\n",
                "Host m1.vm.web.internal\n", "Host postern-gateway-beta\n", "use web.beta.internal or a machine's name");
        assertThat(full).startsWith(demoted.substring(0, demoted.indexOf("# web.internal and")));
        assertThat(SshConfigFiles.demote(beta)).as("once").isFalse();
    }

    @Test
    void aLinkOrAFileThatIsNotOursIsNeverTakenForAConfig() throws IOException {
        Path elsewhere = Files.createTempFile("postern-conf", ".txt");
        try {
            Files.writeString(elsewhere, text("beta", "web").config(List.of(), true));
            Path link = Files.createSymbolicLink(dir.resolve("beta-web.conf"), elsewhere);
            assertThat(SshConfigFiles.otherOrgs(dir, "acme", "web")).isEmpty();
            assertThat(SshConfigFiles.demote(link)).isFalse();
            assertThat(Files.readString(elsewhere)).contains("Host *.vm.web.internal");
        } finally {
            Files.deleteIfExists(elsewhere);
        }
    }

    private static SshConfigText text(String org, String app) {
        return new SshConfigText(org, app, "root", new HostPort("127.0.0.1", 2222), key(), key(),
                Path.of("/home/p/.postern/ssh/id_ctx_" + org), Path.of("/home/p/.postern/ssh/known_hosts_" + org));
    }

    private static String key() {
        try {
            return OpenSshKeys.toLine(KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256).getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

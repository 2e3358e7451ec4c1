package dev.postern.cli.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.cli.connect.ContextFiles;
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

/**
 * Configs of {@code ssh config --write} told apart by their first line: other orgs' and contexts' configs of an app
 * name, what demotion takes out of each, files of Postern before round 7, links.
 */
class SshConfigFilesTest {
    @TempDir
    Path dir;

    @Test
    void orgsContextsAndAppsNeverShareAFileName() {
        Path home = Path.of("/home/p/.postern");
        List<Path> files = List.of(ContextFiles.sshConfig(home, "a", "b-c", "d"), ContextFiles.sshConfig(home, "a", "b",
                "c-d"), ContextFiles.sshConfig(home, "a-b", "c", "d"), ContextFiles.sshConfig(home, "a_b", "c", "d"),
                ContextFiles.sshConfig(home, "a:b", "c", "d"));
        assertThat(files).doesNotHaveDuplicates();
        assertThat(files.get(0)).isEqualTo(home.resolve("ssh/a_b-c_d.conf"));
    }

    @Test
    void anotherOrgOfThisContextLosesOnlyItsShortNamesAnotherContextAlsoItsMachinesOwnNames()
            throws IOException {
        Path beta = write("prod", "beta", "web", List.of("m1"));
        Path staging = write("staging", "acme", "web", List.of("m1"));
        write("prod", "beta", "api", List.of());
        assertThat(SshConfigFiles.others(dir, "prod", "acme", "web")).extracting(SshConfigFiles.Claim::file)
                .containsExactly(beta, staging);
        assertThat(SshConfigFiles.others(dir, "prod", "beta", "web")).extracting(SshConfigFiles.Claim::file)
                .containsExactly(staging);

        String full = Files.readString(beta);
        assertThat(SshConfigFiles.demote(claim(beta), "prod")).containsExactly("web.internal", "*.vm.web.internal");
        String demoted = Files.readString(beta);
        assertThat(demoted).doesNotContain("Host *.vm.web.internal").contains("Host web.beta.internal.prod\n",
                "Host m1.vm.web.internal.prod\n", "Host m1.vm.web.internal\n",
                "Host postern-gateway-beta.prod\n", "use web.beta.internal.prod or <id>.vm.web.internal.prod");
        assertThat(full).startsWith(demoted.substring(0, demoted.indexOf("# web.internal and")));
        assertThat(SshConfigFiles.demote(claim(beta), "prod")).as("once").isEmpty();

        assertThat(SshConfigFiles.demote(claim(staging), "prod")).containsExactly("web.internal", "*.vm.web.internal",
                "<id>.vm.web.internal");
        assertThat(Files.readString(staging)).contains("Host web.acme.internal.staging\n",
                "Host m1.vm.web.internal.staging\n  HostName m1.vm.web.internal\n")
                .doesNotContain("Host m1.vm.web.internal\n").doesNotContain("Host *.vm.web.internal");
        assertThat(Files.readString(staging)).as("what is left is what a write without those names gives")
                .isEqualTo(text("staging", "acme", "web").config(List.of("m1"), true, false, false));
    }

    /**
     * A sweep leaves short names only in configs of contexts that opted in, takes {@code <app>.<org>.internal} out of
     * every config an older Postern wrote, and leaves what a write of today would (for a context that is off).
     */
    @Test
    void aSweepTakesShortNamesOutOfContextsThatDidNotOptInAndTheOrgNameOutOfOldConfigs() throws IOException {
        Path on = write("prod", "acme", "web", List.of("m1"));
        Path off = write("staging", "acme", "api", List.of("m1"));
        Path oldOn = Files.writeString(dir.resolve("prod_acme_db.conf"), old("prod", "acme", "db", List.of("m1")));
        Path oldOff = Files.writeString(dir.resolve("staging_docker_host.conf"), old("staging", "docker", "host",
                List.of("m1")));
        Path gone = Files.writeString(dir.resolve("gone_acme_web.conf"), old("gone", "acme", "web", List.of()));
        String onBefore = Files.readString(on);
        assertThat(Files.readString(oldOff)).as("as an older postern wrote it").contains("Host host.docker.internal\n");

        List<SshConfigFiles.Swept> swept = SshConfigFiles.sweep(dir, "prod"::equals);
        assertThat(swept).extracting(SshConfigFiles.Swept::file).containsExactly(gone, oldOn, off, oldOff);
        assertThat(Files.readString(on)).as("opted in, written today").isEqualTo(onBefore);
        assertThat(Files.readString(off)).isEqualTo(text("staging", "acme", "api").config(List.of("m1"), false, true,
                true));
        assertThat(Files.readString(oldOff)).isEqualTo(text("staging", "docker", "host").config(List.of("m1"), false,
                true, true));
        assertThat(swept.get(3).taken()).containsExactly("host.docker.internal", "<id>.vm.host.internal",
                "host.internal", "*.vm.host.internal");
        assertThat(Files.readString(oldOn)).as("opted in: only the org's name goes, until written again")
                .doesNotContain("Host db.acme.internal\n").doesNotContain("Host m1.vm.db.internal\n")
                .contains("Host *.vm.db.internal db.internal\n", "writes <id>.vm.db.internal again");
        assertThat(Files.readString(gone)).doesNotContain("Host web.internal").doesNotContain("Host *.vm");
        for (Path f : List.of(on, off, oldOn, oldOff, gone)) {
            assertThat(Files.readString(f)).as(f.toString()).doesNotContain("\n\n\n").endsWith("\n")
                    .doesNotEndWith("\n\n").doesNotContainPattern("Host [a-z0-9-]+\\.[a-z0-9-]+\\.internal\n");
        }
        assertThat(SshConfigFiles.sweep(dir, "prod"::equals)).as("once").isEmpty();
    }

    static String old(String context, String org, String app, List<String> machines) {
        return OldConfigs.of(text(context, org, app).config(machines, true, true, true), org, app, machines);
    }

    /** Configs and known_hosts of Postern before round 7 (named by org only) are found; nothing else is. */
    @Test
    void filesOfTheOldNamingAreFoundAndNoOthers() throws IOException {
        Path oldConf = dir.resolve("acme-web.conf");
        Files.writeString(oldConf, "# Postern: machines of app web in org acme (written by 'postern ssh config --app web"
                + " --org acme')\nHost postern-gateway-acme\n");
        Path oldKnown = dir.resolve("known_hosts_acme");
        Files.writeString(oldKnown, "# Postern: org acme; machines prove themselves with host certificates of the org's"
                + " host CA\n");
        write("prod", "acme", "web", List.of());
        Files.writeString(dir.resolve("known_hosts_prod_acme"), text("prod", "acme", "web").knownHostsText());
        Files.writeString(dir.resolve("mine.conf"), "Host x\n");
        Files.writeString(dir.resolve("known_hosts_other"), "# mine\n");
        assertThat(SshConfigFiles.legacy(dir)).containsExactly(oldConf, oldKnown);
        assertThat(SshConfigFiles.others(dir, "staging", "acme", "web")).extracting(SshConfigFiles.Claim::file)
                .as("an old config is no claim to demote: it is removed").containsExactly(dir.resolve("prod_acme_web.conf"));
    }

    @Test
    void aLinkOrAFileThatIsNotOursIsNeverTakenForAConfig() throws IOException {
        Path elsewhere = Files.createTempFile("postern-conf", ".txt");
        try {
            Files.writeString(elsewhere, text("prod", "beta", "web").config(List.of(), true, true, true));
            Path link = Files.createSymbolicLink(dir.resolve("prod_beta_web.conf"), elsewhere);
            assertThat(SshConfigFiles.others(dir, "prod", "acme", "web")).isEmpty();
            assertThat(SshConfigFiles.legacy(dir)).isEmpty();
            assertThat(SshConfigFiles.demote(new SshConfigFiles.Claim(link, new SshConfigText.Header("web", "beta",
                    "prod")), "staging")).isEmpty();
            assertThat(Files.readString(elsewhere)).contains("Host *.vm.web.internal");
        } finally {
            Files.deleteIfExists(elsewhere);
        }
    }

    private Path write(String context, String org, String app, List<String> machines) throws IOException {
        Path file = dir.resolve(ContextFiles.sshConfig(dir.getParent(), context, org, app).getFileName());
        Files.writeString(file, text(context, org, app).config(machines, true, true, true));
        return file;
    }

    private static SshConfigFiles.Claim claim(Path file) {
        return new SshConfigFiles.Claim(file, SshConfigFiles.header(file).orElseThrow());
    }

    private static SshConfigText text(String context, String org, String app) {
        return new SshConfigText(context, org, app, "root", new HostPort("127.0.0.1", 2222), KEY, KEY,
                Path.of("/home/p/.postern/ssh/id_" + context + "_" + org),
                Path.of("/home/p/.postern/ssh/known_hosts_" + context + "_" + org));
    }

    private static final String KEY = key();

    private static String key() {
        try {
            return OpenSshKeys.toLine(KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256).getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

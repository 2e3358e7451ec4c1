package dev.postern.cli.connect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContextFilesTest {
    private final Path home = Path.of("/home/p/.postern");

    @Test
    void aPlainContextNameIsKeptAsIs() {
        assertThat(ContextFiles.keptKey(home, "prod", "acme")).isEqualTo(Path.of("/home/p/.postern/ssh/id_prod_acme"));
    }

    @Test
    void contextsThatOnlyDifferInReplacedCharactersNeverShareAFile() {
        Set<Path> keys = new HashSet<>();
        Set<Path> facts = new HashSet<>();
        List<String> names = List.of("a:b", "a_b", "a@b", "a[b]", "[::1]:7070", "__1__7070", ".x", "_x");
        for (String n : names) {
            keys.add(ContextFiles.keptKey(home, n, "acme"));
            facts.add(ContextFiles.facts(home, n));
        }
        assertThat(keys).hasSize(names.size());
        assertThat(facts).hasSize(names.size());
        for (Path k : keys) {
            assertThat(k.getFileName().toString()).matches("id_[A-Za-z0-9._-]+_acme").doesNotStartWith("id_.");
            assertThat(k.getParent()).isEqualTo(home.resolve("ssh"));
        }
    }

    /**
     * A name with nothing to replace is written as it is: one chosen as another's written form ({@code cp_7070-<hash>}
     * for {@code cp:7070}) has the same files, and so has a name differing only in case on a case-insensitive file
     * system. {@link ContextFiles#twin} finds both, so {@code auth login} can refuse them; it finds no other.
     */
    @Test
    void aNameWrittenAsAnothersWrittenFormIsItsTwin() {
        String written = ContextFiles.part("cp:7070");
        assertThat(written).matches("cp_7070-[0-9a-f]{8}");
        assertThat(ContextFiles.keptKey(home, written, "acme")).as("the same file")
                .isEqualTo(ContextFiles.keptKey(home, "cp:7070", "acme"));
        for (String twin : List.of(written, written.toUpperCase(java.util.Locale.ROOT), "CP:7070")) {
            assertThat(ContextFiles.twin(List.of("prod", "cp:7070"), twin)).as(twin).contains("cp:7070");
            assertThat(ContextFiles.twin(List.of(twin), "cp:7070")).as("either way round").contains(twin);
        }
        assertThat(ContextFiles.twin(List.of("prod"), "Prod")).contains("prod");
        assertThat(ContextFiles.twin(List.of("prod", "cp:7070"), "cp:7070")).as("itself").isEmpty();
        assertThat(ContextFiles.twin(List.of("a:b", "a@b", "a[b]", "my_prod", "demo"), "a_b")).isEmpty();
        assertThat(ContextFiles.twin(List.of("my.prod", "my-prod", "demo-2"), "my_prod")).isEmpty();
    }

    /** Labels name contexts in host names: DNS labels, and two contexts never share one. */
    @Test
    void aContextsLabelIsItsNameWhenThatIsADnsLabelElseOneWithAHashOfIt() {
        assertThat(ContextFiles.label("prod")).isEqualTo("prod");
        assertThat(ContextFiles.label("eu-1")).isEqualTo("eu-1");
        List<String> names = List.of("a.b", "a-b", "A-b", "a_b", "a:b", "127.0.0.1:7070", "127-0-0-1-7070", "[::1]:7070",
                "internal", "Internal", "-", "x".repeat(64), "x".repeat(63),
                // named as another context's label is, with its hash: a label with "--" is always hashed
                ContextFiles.label("127.0.0.1:7070"), ContextFiles.label("a:b"), "xn--a");
        Set<String> labels = new HashSet<>();
        for (String n : names) {
            String label = ContextFiles.label(n);
            assertThat(label).as(n).matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?").isNotEqualTo("internal");
            labels.add(label);
        }
        assertThat(labels).hasSize(names.size());
        assertThat(ContextFiles.label("127.0.0.1:7070")).matches("127-0-0-1-7070--[0-9a-f]{16}");
    }

    @Test
    void twoOrgsOfOneContextHaveTwoKeys() {
        assertThat(ContextFiles.keptKey(home, "127.0.0.1:7070", "acme"))
                .isNotEqualTo(ContextFiles.keptKey(home, "127.0.0.1:7070", "other"));
    }

    @Test
    void theFilesOfAContextAreItsKeptFilesOfEveryOrgAndItsFactsAndNoOtherContexts(@TempDir Path tmp)
            throws IOException {
        Path ssh = Files.createDirectories(tmp.resolve("ssh"));
        Files.createDirectories(tmp.resolve("cache"));
        List<Path> mine = List.of(ContextFiles.keptKey(tmp, "a", "acme"), ContextFiles.keptKey(tmp, "a", "x-1"),
                Path.of(ContextFiles.keptKey(tmp, "a", "acme") + "-cert.pub"), ContextFiles.facts(tmp, "a"),
                KeptLock.file(ContextFiles.keptKey(tmp, "a", "acme")), ContextFiles.sshConfig(tmp, "a", "acme", "web"),
                ContextFiles.knownHosts(tmp, "a", "acme"));
        // contexts whose file names start with "id_a_" (or "a_", "known_hosts_a_") too, and files no context keeps
        List<Path> others = List.of(ContextFiles.keptKey(tmp, "a_b", "acme"), ContextFiles.keptKey(tmp, "a:b", "acme"),
                ContextFiles.facts(tmp, "a_b"), ssh.resolve("id_a_acme.bak"), ssh.resolve("id_a_"),
                ssh.resolve("id_a_acme-cert.pub.tmp"), ssh.resolve("id_ab_acme"), ssh.resolve("id_a_acme.lock.tmp"),
                ContextFiles.sshConfig(tmp, "a_b", "acme", "web"), ContextFiles.knownHosts(tmp, "a_b", "acme"),
                ssh.resolve("a_acme_web.conf.tmp"), ssh.resolve("a_acme.conf"), ssh.resolve("known_hosts_a_acme.old"),
                ssh.resolve("acme-web.conf"), ssh.resolve("known_hosts_acme"));
        for (Path p : mine) {
            Files.writeString(p, "x");
        }
        for (Path p : others) {
            Files.writeString(p, "x");
        }
        assertThat(ContextFiles.of(tmp, "a")).containsExactlyInAnyOrderElementsOf(mine);
        assertThat(ContextFiles.of(tmp, "a_b")).containsExactlyInAnyOrder(others.get(0), others.get(2), others.get(8),
                others.get(9));
        assertThat(ContextFiles.of(tmp.resolve("none"), "a")).isEmpty();
    }

    /**
     * The launcher's plans of a context, told by the line naming it, else by {@code c=}, else by their config's
     * header (one written before the line, or a config whose plan the launcher deleted), with their companions; a
     * plan whose context cannot be told, another context's, a link and a get's run files are not among them.
     */
    @Test
    void theConsolePlansOfAContextAreThoseThatNameItAndTheirCompanions(@TempDir Path tmp) throws IOException {
        Path plans = Files.createDirectories(PlanFiles.dir(tmp));
        String plan = "postern-console-plan 1\nexpires 1\nfailures 0\nlogin root\nhost m1\n";
        String header = "# Postern: machines of app web in org acme, login context %s (written by 'postern ssh config"
                + " --app web --org acme --context %s --write')\n";
        List<Path> mine = List.of(
                write(plans.resolve("plan,c=,o=,a=web,m=,u="), plan + PlanFiles.contextLine("a")),
                write(plans.resolve("plan,c=,o=,a=web,m=,u=.conf"), header.formatted("a", "a")),
                write(plans.resolve("plan,c=,o=,a=web,m=,u=.known_hosts"), "x"),
                write(plans.resolve("plan,c=,o=,a=web,m=,u=.4242.new"), plan),
                // the user "bob.conf" is a selector too; whose it is comes from the plan itself
                write(plans.resolve("plan,c=,o=acme,a=web,m=,u=bob.conf"), plan + PlanFiles.contextLine("a")),
                write(plans.resolve("plan,c=a,o=,a=db,m=,u="), plan),
                write(plans.resolve("plan,c=,o=,a=api,m=,u=.conf"), header.formatted("a", "a")),
                write(plans.resolve("plan,c=,o=,a=api,m=,u=.known_hosts"), "x"));
        List<Path> others = List.of(
                write(plans.resolve("plan,c=,o=,a=web,m=m1,u="), plan + PlanFiles.contextLine("a_b")),
                write(plans.resolve("plan,c=,o=,a=web,m=m1,u=.conf"), header.formatted("a", "a")),
                write(plans.resolve("plan,c=b,o=,a=web,m=,u="), plan),
                write(plans.resolve("plan,c=,o=,a=x,m=,u="), plan),
                write(plans.resolve("plan,c=,o=,a=y,m=,u=.conf"), header.formatted("a_b", "a_b")),
                write(plans.resolve(".get.Ab3dEf7hIj"), "x"), write(plans.resolve(".get.Ab3dEf7hIj.up"), ""),
                write(plans.resolve("plan,c=,o=,a=web,m=,u=.conf.bak"), header.formatted("a", "a")),
                write(plans.resolve("notes"), PlanFiles.contextLine("a")));
        Path target = write(tmp.resolve("elsewhere"), plan + PlanFiles.contextLine("a"));
        Path link = Files.createSymbolicLink(plans.resolve("plan,c=,o=,a=lnk,m=,u="), target);

        assertThat(ContextFiles.of(tmp, "a")).containsExactlyInAnyOrderElementsOf(mine);
        assertThat(ContextFiles.of(tmp, "a_b")).containsExactlyInAnyOrder(others.get(0), others.get(1), others.get(4));
        assertThat(ContextFiles.of(tmp, "b")).containsExactly(others.get(2));
        assertThat(link).as("a link is not read, and nobody's").isSymbolicLink();
        assertThat(ContextFiles.of(tmp, "none")).isEmpty();
    }

    private static Path write(Path file, String text) throws IOException {
        return Files.writeString(file, text);
    }

    @Test
    void theCertificatesLogoutRevokesAreOnlyThoseOfTheKeptKeyBesideThem(@TempDir Path tmp) throws IOException {
        Path ssh = Files.createDirectories(tmp.resolve("ssh"));
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path mine = signed(work, "mine", 7);
        Path theirs = signed(work, "theirs", 8);
        // acme: the person's key and its certificate
        plant(mine, ContextFiles.keptKey(tmp, "a", "acme"));
        // beta: someone else's certificate (an admin's logout would revoke any serial) beside the person's key
        plant(mine, ContextFiles.keptKey(tmp, "a", "beta"));
        Files.copy(Path.of(theirs + "-cert.pub"), Path.of(ContextFiles.keptKey(tmp, "a", "beta") + "-cert.pub"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        // gamma: a link to the person's certificate (links are not followed); delta: a certificate padded to 1 MiB
        plant(mine, ContextFiles.keptKey(tmp, "a", "gamma"));
        Files.delete(Path.of(ContextFiles.keptKey(tmp, "a", "gamma") + "-cert.pub"));
        Files.createSymbolicLink(Path.of(ContextFiles.keptKey(tmp, "a", "gamma") + "-cert.pub"),
                Path.of(mine + "-cert.pub"));
        plant(mine, ContextFiles.keptKey(tmp, "a", "delta"));
        Files.writeString(Path.of(ContextFiles.keptKey(tmp, "a", "delta") + "-cert.pub"), "\n".repeat(1 << 20),
                java.nio.file.StandardOpenOption.APPEND);
        // epsilon: a certificate whose key is not there
        Files.copy(Path.of(mine + "-cert.pub"), Path.of(ContextFiles.keptKey(tmp, "a", "epsilon") + "-cert.pub"));

        assertThat(ContextFiles.certificates(tmp, "a")).extracting(KeptCertificate::org, KeptCertificate::serial)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("acme", 7L));
        assertThat(ssh.toFile().list()).hasSize(9);
    }

    /** A key in {@code dir} and its certificate with {@code serial}, made by ssh-keygen with a CA of its own. */
    private static Path signed(Path dir, String name, long serial) {
        Path key = dir.resolve(name);
        keygen("-q", "-t", "ed25519", "-N", "", "-f", dir.resolve(name + "-ca").toString());
        keygen("-q", "-t", "ed25519", "-N", "", "-f", key.toString());
        keygen("-q", "-s", dir.resolve(name + "-ca").toString(), "-I", name, "-n", "p", "-z", Long.toString(serial),
                "-V", "-5m:+1h", key + ".pub");
        return key;
    }

    private static void keygen(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("ssh-keygen"));
        command.addAll(List.of(args));
        ProcessResult r = Processes.run(Duration.ofSeconds(30), command);
        assertThat(r.exitCode()).as(r.toString()).isZero();
    }

    /** The key and its certificate as the kept ones at {@code kept}, 0600 as the CLI writes them. */
    private static void plant(Path key, Path kept) throws IOException {
        Files.copy(key, kept);
        Files.setPosixFilePermissions(kept, PosixFilePermissions.fromString("rw-------"));
        Files.copy(Path.of(key + "-cert.pub"), Path.of(kept + "-cert.pub"));
    }
}

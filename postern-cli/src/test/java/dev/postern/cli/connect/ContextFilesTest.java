package dev.postern.cli.connect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
                Path.of(ContextFiles.keptKey(tmp, "a", "acme") + "-cert.pub"), ContextFiles.facts(tmp, "a"));
        // contexts whose file names start with "id_a_" too, and files no context keeps
        List<Path> others = List.of(ContextFiles.keptKey(tmp, "a_b", "acme"), ContextFiles.keptKey(tmp, "a:b", "acme"),
                ContextFiles.facts(tmp, "a_b"), ssh.resolve("id_a_acme.bak"), ssh.resolve("id_a_"),
                ssh.resolve("id_a_acme-cert.pub.tmp"), ssh.resolve("id_ab_acme"));
        for (Path p : mine) {
            Files.writeString(p, "x");
        }
        for (Path p : others) {
            Files.writeString(p, "x");
        }
        assertThat(ContextFiles.of(tmp, "a")).containsExactlyInAnyOrderElementsOf(mine);
        assertThat(ContextFiles.of(tmp, "a_b")).containsExactlyInAnyOrder(others.get(0), others.get(2));
        assertThat(ContextFiles.of(tmp.resolve("none"), "a")).isEmpty();
    }
}

package dev.postern.cli.connect;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

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
}

package dev.postern.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class ContextOptionTest {
    private final CliEnvironment env = new CliRunner(Path.of("/nonexistent"), Clock.systemUTC()).environmentForTests();

    @Test
    void takesTheOptionAnywhereBeforeDoubleDashAndPassesItAsTheVariable() {
        ContextOption o = ContextOption.apply(env, new String[] {"orgs", "--context", "prod", "list"});
        assertThat(o.args()).containsExactly("orgs", "list");
        assertThat(o.env().variable("POSTERN_CONTEXT")).contains("prod");
        assertThat(ContextOption.apply(env, new String[] {"--context=dev", "auth", "whoami"}).env()
                .variable("POSTERN_CONTEXT")).contains("dev");
    }

    @Test
    void leavesTheEntrypointOfAnAgentAlone() {
        String[] line = {"agent", "--data", "/d", "--", "app", "--context", "x"};
        ContextOption o = ContextOption.apply(env, line);
        assertThat(o.args()).containsExactly(line);
        assertThat(o.env().variable("POSTERN_CONTEXT")).isEmpty();
    }

    @Test
    void aMissingOrEmptyNameIsBadUsage() {
        assertThatThrownBy(() -> ContextOption.apply(env, new String[] {"orgs", "list", "--context"}))
                .isInstanceOf(CliException.class).hasMessageContaining("auth list");
        assertThatThrownBy(() -> ContextOption.apply(env, new String[] {"--context=", "orgs"}))
                .isInstanceOf(CliException.class);
    }
}

package dev.postern.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.cli.client.ConfigFile;
import dev.postern.cli.client.SavedContext;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's context never takes a saved one's name, in any case: {@code auth login} refuses {@code demo} beside
 * {@code Demo}.
 */
class DemoContextTest {
    @TempDir
    Path home;

    @Test
    void aNameTakenInAnyCaseIsSkipped() {
        ConfigFile file = new ConfigFile(home);
        assertThat(DemoContext.claim(home).name()).isEqualTo("demo");
        file.write(file.read().with(new SavedContext("Demo", "http://127.0.0.1:1", "a@x.io", "pst_t", null), true));
        file.write(file.read().with(new SavedContext("DEMO-2", "http://127.0.0.1:2", "a@x.io", "pst_t", null), false));
        DemoContext claimed = DemoContext.claim(home);
        assertThat(claimed.name()).isEqualTo("demo-3");
        assertThat(claimed.previous()).isEqualTo("Demo");
    }
}

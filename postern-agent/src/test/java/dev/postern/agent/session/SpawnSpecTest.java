package dev.postern.agent.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpawnSpecTest {
    @Test
    void toStringNamesVariablesButNeverPrintsTheirValues() {
        SpawnSpec spec = new SpawnSpec("/bin/sh", List.of("sh", "-c", "true"),
                Map.of("DATABASE_URL", "postgres://app:hunter2@db/app", "PATH", "/usr/bin"), "/", null, false, null);
        assertThat(spec.toString()).contains("DATABASE_URL", "PATH", "/bin/sh")
                .doesNotContain("hunter2", "postgres://", "/usr/bin");
    }
}

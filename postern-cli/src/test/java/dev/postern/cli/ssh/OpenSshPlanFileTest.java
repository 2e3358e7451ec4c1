package dev.postern.cli.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.cli.CliEnvironment;
import dev.postern.cli.connect.TargetOptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which selectors get an OpenSSH plan file, and that no user's plan can be another user's companion file. */
class OpenSshPlanFileTest {
    @TempDir
    Path home;

    private CliEnvironment env() {
        return new CliEnvironment(Map.of("POSTERN_HOME", home.resolve(".postern").toString()),
                new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()), Clock.systemUTC());
    }

    private static TargetOptions target(String user) {
        TargetOptions t = new TargetOptions();
        t.app = "web";
        t.user = user;
        return t;
    }

    @Test
    void aUserGetsAPlanNamedBySelectors() {
        assertThat(OpenSshPlan.planFile(env(), target("bob")).orElseThrow().getFileName().toString())
                .isEqualTo("plan,c=,o=,a=web,m=,u=bob");
        assertThat(OpenSshPlan.planFile(env(), target("first.last"))).isPresent();
    }

    @Test
    void aUserNamedLikeACompanionFileGetsNoPlan() {
        Path bobs = OpenSshPlan.planFile(env(), target("bob")).orElseThrow();
        for (String companion : new String[] {"bob.conf", "bob.known_hosts", "bob.4242.new"}) {
            assertThat(OpenSshPlan.planFile(env(), target(companion))).as(companion).isEmpty();
        }
        // what those plans' names would have been are bob's plan's companions
        assertThat(Path.of(bobs + ".conf").getFileName().toString()).isEqualTo("plan,c=,o=,a=web,m=,u=bob.conf");
    }
}

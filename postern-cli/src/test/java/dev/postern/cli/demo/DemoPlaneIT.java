package dev.postern.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.cli.CliEnvironment;
import dev.postern.cli.CliRunner;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code postern demo}'s plane: the person is logged in to a fresh server with org demo, app demo and a CA. */
class DemoPlaneIT {
    @TempDir
    Path tmp;

    @Test
    void setsUpOrgAppCaAndLogsThePersonIn() {
        Path home = tmp.resolve("home");
        CliEnvironment env = new CliEnvironment(Map.of("HOME", home.toString(), "POSTERN_HOME", home.resolve(".postern").toString()),
                new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()), Clock.systemUTC());
        Path data = tmp.resolve("data");
        CliRunner person = new CliRunner(home, Clock.systemUTC());
        Path config;
        Path key;
        try (DemoPlane demo = DemoPlane.start(new DemoConfig(env, data, 0, DemoConfig.sameJvm(), true))) {
            CliRunner.Result apps = person.run("apps", "list", "--org", "demo");
            assertThat(apps.exit()).as(apps.toString()).isZero();
            assertThat(apps.out()).contains("demo");
            assertThat(person.run("ssh", "log", "demo").out()).contains("root");
            // 'ssh config --write' keeps a key for the demo's context and org; ~/.ssh is left alone
            key = dev.postern.cli.connect.ContextFiles.keptKey(home.resolve(".postern"), demo.contextName(), "demo");
            config = demo.sshConfig();
            assertThat(config).isRegularFile();
            assertThat(key).exists();
            assertThat(java.nio.file.Path.of(key + "-cert.pub")).exists();
            assertThat(home.resolve(".ssh/id_postern")).doesNotExist();
            assertThat(person.run("machines", "list", "--app", "demo").exit()).isZero();
        }
        assertThat(Files.exists(data)).as("temporary data dir removed").isFalse();
        assertThat(config).as("its server is gone: its config would still claim host names").doesNotExist();
        assertThat(key).doesNotExist();
    }
}

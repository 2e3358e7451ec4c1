package dev.postern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link CliEnvironment#expandPath}: the paths commands act on and name in their messages. */
class CliEnvironmentTest {
    private final CliEnvironment env = new CliEnvironment(Map.of("HOME", "/home/me"), new ByteArrayInputStream(new byte[0]),
            new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()), Clock.systemUTC());

    @Test
    void theCurrentDirectoryIsNamedWithoutADotSegment() {
        // 'ssh sftp get REMOTE' (LOCAL default '.') refused with '/home/me/./a.txt exists'
        Path cwd = Path.of("").toAbsolutePath();
        assertThat(env.expandPath(".")).isEqualTo(cwd);
        assertThat(env.expandPath("./logs/./a.txt")).isEqualTo(cwd.resolve("logs/a.txt"));
        assertThat(env.expandPath("~/./x")).isEqualTo(Path.of("/home/me/x"));
        assertThat(env.expandPath("~")).isEqualTo(Path.of("/home/me"));
    }

    @Test
    void dotDotIsKeptBecauseTheNameBeforeItMayBeALink() {
        assertThat(env.expandPath("/srv/link/../a.txt")).hasToString("/srv/link/../a.txt");
        assertThat(env.expandPath("/a/./b/../c")).hasToString("/a/b/../c");
    }
}

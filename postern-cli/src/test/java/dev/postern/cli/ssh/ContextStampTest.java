package dev.postern.cli.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.cli.CliEnvironment;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContextStampTest {
    @TempDir
    Path home;

    private CliEnvironment env() {
        return new CliEnvironment(Map.of("HOME", home.toString(), "POSTERN_HOME", home.toString()),
                new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()), Clock.systemUTC());
    }

    @Test
    void aContextFileReplacedWithTheSameSizeAndTimeIsStillNoticed() throws Exception {
        Path config = Files.writeString(home.resolve("config.json"), "{\"current\":\"a\"}");
        ContextStamp before = ContextStamp.now(env());
        assertThat(ContextStamp.now(env())).isEqualTo(before);

        // as ConfigFile writes it: a new file renamed over the old one, here with the same size and mtime
        Path next = Files.writeString(home.resolve("next.tmp"), "{\"current\":\"b\"}");
        Files.setLastModifiedTime(next, Files.getLastModifiedTime(config));
        Files.move(next, config, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertThat(ContextStamp.now(env())).isNotEqualTo(before);
    }

    @Test
    void aContextFileCreatedOrRemovedIsNoticed() throws Exception {
        ContextStamp none = ContextStamp.now(env());
        Path config = Files.writeString(home.resolve("config.json"), "{}");
        assertThat(ContextStamp.now(env())).isNotEqualTo(none);
        Files.delete(config);
        assertThat(ContextStamp.now(env())).isEqualTo(none);
    }
}

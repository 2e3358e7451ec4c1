package dev.postern.cli.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postern.cli.CliException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dotenv input and NAME=VALUE arguments: parsed as written, and no error message ever quotes a value. */
class SecretInputTest {
    @TempDir
    Path dir;

    @Test
    void dotenvLinesBareQuotedCommentedAndExported() {
        Map<String, String> parsed = DotEnv.parse("""
                # comment
                A=plain value  
                export B='lit \\n $x'
                C="two\\nlines \\"q\\""

                D=
                """);
        assertThat(parsed).containsExactly(Map.entry("A", "plain value"), Map.entry("B", "lit \\n $x"),
                Map.entry("C", "two\nlines \"q\""), Map.entry("D", ""));
    }

    @Test
    void dotenvErrorsNameTheLineNeverTheValue() {
        assertThatThrownBy(() -> DotEnv.parse("A=1\nhunter2-secret\n")).isInstanceOf(CliException.class)
                .hasMessageContaining("line 2").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> DotEnv.parse("K=\"hunter2-secret\n")).isInstanceOf(CliException.class)
                .hasMessageContaining("line 1 (K)").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> DotEnv.parse("POSTERN_JOIN_TOKEN=x\n")).hasMessageContaining("reserved");
    }

    @Test
    void argumentsFromStdinFileAndLine() throws Exception {
        Path file = dir.resolve("v");
        Files.writeString(file, "from-file\n");
        Map<String, String> parsed = SecretArgs.parse(List.of("A=-", "B=@" + file, "C=x=y"),
                new ByteArrayInputStream("from-stdin\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(parsed).containsExactly(Map.entry("A", "from-stdin"), Map.entry("B", "from-file\n"),
                Map.entry("C", "x=y"));
    }

    @Test
    void aBareValueIsRefusedWithoutBeingQuoted() {
        assertThatThrownBy(() -> SecretArgs.parse(List.of("A=1", "hunter2-secret"), new ByteArrayInputStream(new byte[0])))
                .isInstanceOf(CliException.class).hasMessageContaining("argument 2")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> SecretArgs.parse(List.of("lower=x"), new ByteArrayInputStream(new byte[0])))
                .hasMessageContaining("'lower' is not valid");
    }
}

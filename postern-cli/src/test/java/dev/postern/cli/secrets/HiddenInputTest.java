package dev.postern.cli.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postern.cli.CliException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code secrets set NAME=- > out.txt} at a terminal: the JVM has no console (stdout is not a terminal), and stdin
 * read as ordinary input would show the value on the screen as it is typed, with no prompt saying anything waits.
 */
class HiddenInputTest {
    @Test
    void aTerminalStdinWithoutAConsoleIsRefusedBeforeAnythingIsTyped() {
        HiddenInput refusing = HiddenInput.of(null, true).orElseThrow();
        assertThatThrownBy(() -> refusing.read("Value for A: ")).isInstanceOf(CliException.class)
                .hasMessageContaining("standard input is a terminal but standard output is not")
                .hasMessageContaining("NAME=@FILE");
        assertThat(HiddenInput.of(null, false)).as("a pipe or a file: read to its end as before").isEmpty();
    }

    @Test
    void stdinIsATerminalWhenItsDescriptorLinksToOne(@TempDir Path tmp) throws Exception {
        for (String to : List.of("/dev/pts/3", "/dev/tty1", "/dev/console")) {
            assertThat(HiddenInput.isTerminal(Files.createSymbolicLink(tmp.resolve("t" + to.hashCode()), Path.of(to))))
                    .as(to).isTrue();
        }
        for (String to : List.of("pipe:[4711]", "/dev/null", "/home/p/value.txt", "socket:[1]")) {
            assertThat(HiddenInput.isTerminal(Files.createSymbolicLink(tmp.resolve("n" + to.hashCode()), Path.of(to))))
                    .as(to).isFalse();
        }
        assertThat(HiddenInput.isTerminal(tmp.resolve("missing"))).isFalse();
    }
}

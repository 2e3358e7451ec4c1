package dev.postern.cli.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Lines of keys and tables, with the TOML constructs that could fool a line-by-line scan. */
class TomlLinesTest {
    private static final String DOC = String.join("\n",
            "app = \"x\"",                                      // 1
            "note = \"\"\"",                                    // 2
            "[[services]]",                                     // 3: inside a string
            "internal_port = 22",                               // 4: inside a string
            "\"\"\"",                                           // 5
            "lit = '''",                                        // 6
            "[env]",                                            // 7: inside a string
            "'''",                                              // 8
            "list = [",                                         // 9
            "  \"a\", # a comment [x]",                          // 10
            "  { k = 1 },",                                     // 11
            "]",                                                // 12
            "[[services]] # first",                             // 13
            "  internal_port = 8080",                           // 14
            "  [[services.ports]]",                             // 15
            "    port = 80",                                    // 16
            "  [[services.ports]]",                             // 17
            "    port = 443",                                   // 18
            "  [services.concurrency]",                         // 19
            "    hard_limit = 5",                               // 20
            "[[services]]",                                     // 21
            "  \"internal_port\" = 9090",                       // 22
            "  [[services.ports]]",                             // 23
            "[ env ]",                                          // 24
            "  A.'b.c' = \"v\"",                                // 25
            "  S = \"a \\\" [[services]] b\"",                  // 26
            "");

    @Test
    void tablesKeysAndArraysOfTablesHaveTheirLines() {
        TomlLines lines = TomlLines.of(DOC);
        assertThat(lines.line("app")).isEqualTo(1);
        assertThat(lines.line("services", 0)).isEqualTo(13);
        assertThat(lines.line("services", 0, "internal_port")).isEqualTo(14);
        assertThat(lines.line("services", 0, "ports", 1, "port")).isEqualTo(18);
        assertThat(lines.line("services", 0, "concurrency", "hard_limit")).isEqualTo(20);
        assertThat(lines.line("services", 1)).isEqualTo(21);
        assertThat(lines.line("services", 1, "internal_port")).isEqualTo(22);
        assertThat(lines.line("services", 1, "ports", 0)).isEqualTo(23);
        assertThat(lines.line("env")).isEqualTo(24);
        assertThat(lines.line("env", "A", "b.c")).isEqualTo(25);
        assertThat(lines.line("env", "S")).isEqualTo(26);
        // not indexed (inside an inline table): the nearest ancestor
        assertThat(lines.line("list", 1, "k")).isEqualTo(9);
        assertThat(lines.line("nothing")).isEqualTo(1);
    }
}

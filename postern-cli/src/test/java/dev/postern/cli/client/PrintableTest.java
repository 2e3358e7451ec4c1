package dev.postern.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrintableTest {
    @Test
    void controlAndInvisibleCharactersAreEscaped() {
        assertThat(Printable.escape("a\nb\u001b[2J\u0007\u202e\\")).isEqualTo("a\\nb\\e[2J\\u0007\\u202e\\\\");
        assertThat(Printable.forTerminal("already \\n escaped\n")).isEqualTo("already \\n escaped\\n");
        assertThat(Printable.escape("héllo wörld")).isEqualTo("héllo wörld");
    }

    @Test
    void aLongValueIsCutButTheFirstControlCharacterIsShown() {
        String v = "ssh-ed25519 " + "A".repeat(60) + "\n@cert-authority * evil";
        assertThat(Printable.quotedPrefix(v)).startsWith("\"ssh-ed25519 AAAA").contains("...\" (" + v.length()
                + " characters, \\n at 72: \"\\n@cert-authority * e...\")");
        assertThat(Printable.quotedPrefix("short\n")).isEqualTo("\"short\\n\"");
    }
}

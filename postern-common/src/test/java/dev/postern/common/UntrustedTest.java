package dev.postern.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UntrustedTest {
    @Test
    void escapesEveryCharacterThatCouldDriveATerminal() {
        String hostile = "a\u001b[2Jb\u0000c\u2028d\u202ee\u009bf\u200bg\r\n";
        String shown = Untrusted.escape(hostile);
        assertThat(shown).isEqualTo("a\\u001b[2Jb\\u0000c\\u2028d\\u202ee\\u009bf\\u200bg\\u000d\\u000a");
        assertThat(shown.codePoints().noneMatch(Untrusted::isUnsafe)).isTrue();
        assertThat(Untrusted.escape("jane@example.com")).isEqualTo("jane@example.com");
        assertThat(Untrusted.escape("a\\u001b")).as("a written-out escape stays distinguishable").isEqualTo("a\\\\u001b");
    }

    @Test
    void quoteShowsOnlyAShortEscapedPrefix() {
        String big = "\u001b" + "x".repeat(10_000_000);
        String q = Untrusted.quote(big);
        assertThat(q).hasSizeLessThan(120).startsWith("'\\u001bxxx").endsWith("...' (10000001 characters)");
        assertThat(Untrusted.quote("ok")).isEqualTo("'ok'");
        assertThat(Untrusted.quote(null)).isEqualTo("(none)");
        assertThat(Untrusted.quote("p\u0430ypal")).as("a lookalike shows what it is").isEqualTo("'p\\u0430ypal'");
        assertThat(Untrusted.escape("Jos\u00e9")).as("listings keep printable non-ASCII").isEqualTo("Jos\u00e9");
    }

    @Test
    void reservedLoginsAreNeverProposed() {
        assertThat(Logins.proposal("root@example.com")).isEmpty();
        assertThat(Logins.proposal("systemd-network@example.com")).isEmpty();
        assertThat(Logins.proposal("www-data@example.com")).isEmpty();
        assertThat(Logins.proposal("j+tag@example.com")).as("not a valid login as is").isEmpty();
        assertThat(Logins.proposal("Jane.Doe@example.com")).contains("jane.doe");
        assertThat(Logins.isReserved("TOOR")).isTrue();
    }
}

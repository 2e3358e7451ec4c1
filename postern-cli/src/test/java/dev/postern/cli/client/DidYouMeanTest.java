package dev.postern.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DidYouMeanTest {
    @Test
    void suggestsNamesWithinAThirdOfTheLengthOrThatTheTypedOneStarts() {
        List<String> apps = List.of("demo", "web", "billing", "billing-eu");
        assertThat(DidYouMean.closest("dmeo", apps)).containsExactly("demo");
        assertThat(DidYouMean.closest("billng", apps)).containsExactly("billing");
        assertThat(DidYouMean.closest("bill", apps)).containsExactly("billing", "billing-eu");
        assertThat(DidYouMean.closest("WEB", apps)).containsExactly("web");
        assertThat(DidYouMean.closest("zzz", apps)).isEmpty();
        assertThat(DidYouMean.closest("web", apps)).as("a known name needs no suggestion").isEmpty();
    }

    @Test
    void theSuffixQuotesAndEscapesWhatTheServerNamed() {
        assertThat(DidYouMean.suffix("dmeo", List.of("demo"))).isEqualTo("; did you mean 'demo'?");
        assertThat(DidYouMean.suffix("ab", List.of("abc", "abd"))).isEqualTo("; did you mean 'abc' or 'abd'?");
        assertThat(DidYouMean.suffix("zzz", List.of("demo"))).isEmpty();
        // names chosen elsewhere (a command's options) are worded alike
        assertThat(DidYouMean.suffix(List.of("--app", "--all", "--at"))).isEqualTo("; did you mean '--app', '--all' or"
                + " '--at'?");
        assertThat(DidYouMean.suffix(List.of())).isEmpty();
        // a hostile server's name reaches the terminal without its escape sequence
        assertThat(DidYouMean.suffix("dem", List.of("demo\u001b[2J"))).doesNotContain("\u001b");
    }

    @Test
    void distanceCountsASwapOfNeighboursAsOneEdit() {
        assertThat(DidYouMean.distance("demo", "dmeo")).isEqualTo(1);
        assertThat(DidYouMean.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(DidYouMean.distance("", "abc")).isEqualTo(3);
    }
}

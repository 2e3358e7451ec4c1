package dev.postern.cli.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class IssueArgumentsTest {
    @Test
    void toldApartByShape() {
        assertThat(IssueArguments.parse(List.of())).isEqualTo(new IssueArguments(null, null, null));
        assertThat(IssueArguments.parse(List.of("acme"))).isEqualTo(new IssueArguments("acme", null, null));
        assertThat(IssueArguments.parse(List.of("./key"))).isEqualTo(new IssueArguments(null, null, "./key"));
        assertThat(IssueArguments.parse(List.of("/tmp/key"))).isEqualTo(new IssueArguments(null, null, "/tmp/key"));
        assertThat(IssueArguments.parse(List.of("acme", "key"))).isEqualTo(new IssueArguments("acme", null, "key"));
        assertThat(IssueArguments.parse(List.of("a@x.io"))).isEqualTo(new IssueArguments(null, "a@x.io", null));
        assertThat(IssueArguments.parse(List.of("a@x.io", "key"))).isEqualTo(new IssueArguments(null, "a@x.io", "key"));
        assertThat(IssueArguments.parse(List.of("acme", "a@x.io"))).isEqualTo(new IssueArguments("acme", "a@x.io", null));
        assertThat(IssueArguments.parse(List.of("acme", "a@x.io", "k")))
                .isEqualTo(new IssueArguments("acme", "a@x.io", "k"));
    }

    @Test
    void refusesWhatCannotBeOrgEmailPath() {
        assertThatThrownBy(() -> IssueArguments.parse(List.of("acme", "bob", "key")))
                .hasMessageContaining("EMAIL 'bob' is not an e-mail address");
        assertThatThrownBy(() -> IssueArguments.parse(List.of("a@x.io", "b@x.io"))).hasMessageContaining("two e-mail");
        assertThatThrownBy(() -> IssueArguments.parse(List.of("k", "l", "a@x.io"))).hasMessageContaining("order");
    }
}

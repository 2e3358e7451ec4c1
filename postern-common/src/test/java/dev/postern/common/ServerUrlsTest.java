package dev.postern.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServerUrlsTest {
    @Test
    void normalizesAndRefusesWhatIsNotAnHttpUrl() {
        assertThat(ServerUrls.normalize(" http://127.0.0.1:7070// ")).isEqualTo("http://127.0.0.1:7070");
        assertThatThrownBy(() -> ServerUrls.normalize("ftp://x")).hasMessageContaining("'ftp://x'")
                .hasMessageContaining("http://");
        assertThatThrownBy(() -> ServerUrls.normalize("")).hasMessageContaining("--server is required");
        assertThat(ServerUrls.normalize("https://h.example:8443/postern/")).isEqualTo("https://h.example:8443/postern");
    }

    @Test
    void refusesCredentialsQueriesAndPathsAShellWouldInterpret() {
        for (String bad : new String[] {"https://user:pw@h.example", "https://h.example/?x=1", "https://h.example/#f",
                "https://h.example/$(touch%20x)", "https://h.example/a;b", "https://h.example/a'b", "https://h.example/a&b"}) {
            assertThatThrownBy(() -> ServerUrls.normalize(bad)).as(bad).hasMessageContaining("scheme://host[:port][/path]");
        }
    }

    @Test
    void plainHttpOnlyToLoopbackUnlessAllowed() {
        for (String ok : new String[] {"http://127.0.0.1:7070", "http://localhost:1", "http://[::1]:7070",
                "https://postern.example.com", "http://127.8.9.10"}) {
            assertThatCode(() -> ServerUrls.requireSafe(ok, null)).as(ok).doesNotThrowAnyException();
            // a value that is not understood is not even read when the URL does not need it
            assertThatCode(() -> ServerUrls.requireSafe(ok, "0")).as(ok).doesNotThrowAnyException();
        }
        assertThatThrownBy(() -> ServerUrls.requireSafe("http://10.0.0.5:7070", null))
                .hasMessageContaining("http://10.0.0.5:7070").hasMessageContaining("https://")
                .hasMessageContaining("POSTERN_ALLOW_HTTP=1");
        for (String yes : new String[] {"1", "true", "TRUE", " True "}) {
            assertThatCode(() -> ServerUrls.requireSafe("http://10.0.0.5:7070", yes)).as(yes).doesNotThrowAnyException();
        }
    }

    @Test
    void anAllowHttpValueThatMeansNoOrNothingNeverAllowsPlainHttp() {
        assertThatThrownBy(() -> ServerUrls.requireSafe("http://10.0.0.5:7070", "")).hasMessageContaining("https://");
        for (String no : new String[] {"0", "false", "no", "off", "yes please"}) {
            assertThatThrownBy(() -> ServerUrls.requireSafe("http://10.0.0.5:7070", no)).as(no)
                    .hasMessageContaining("POSTERN_ALLOW_HTTP='" + no + "' is not understood")
                    .hasMessageContaining("=1 (or true)");
        }
    }
}

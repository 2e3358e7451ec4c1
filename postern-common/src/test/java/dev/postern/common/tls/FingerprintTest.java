package dev.postern.common.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FingerprintTest {
    private static final String HEX = "23fd9760cc08ba41afb8c5c09139489c892c5f029bb361f23771060ba42b3453";

    @Test
    void typedFingerprintsAreNormalisedAndAnythingElseIsRefusedByName() {
        assertThat(Fingerprint.parse("--fingerprint", "  SHA256:" + HEX.toUpperCase() + "\n").value())
                .isEqualTo("sha256:" + HEX);
        assertThatThrownBy(() -> Fingerprint.parse("--fingerprint", "sha1:" + HEX))
                .hasMessageContaining("--fingerprint 'sha1:").hasMessageContaining("sha256:<64 hex digits>");
        assertThatThrownBy(() -> Fingerprint.parse("--fingerprint", "sha256:" + HEX.substring(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fingerprint.parse("--fingerprint", "sha256:" + HEX + "\u001b[2J"))
                .hasMessageNotContaining("\u001b");
    }
}

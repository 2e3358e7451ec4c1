package dev.postern.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class KeySealerTest {
    private static final byte[] SECRET = "ed25519 private key bytes".getBytes(StandardCharsets.UTF_8);

    private static byte[] randomKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    @Test
    void sealThenOpenRoundTrips() {
        KeySealer sealer = new KeySealer(randomKey());
        byte[] sealed = sealer.seal(SECRET, "org:acme/user-ca");

        assertThat(sealer.open(sealed, "org:acme/user-ca")).isEqualTo(SECRET);
        assertThat(sealed[0]).isEqualTo(KeySealer.FORMAT_VERSION);
        assertThat(sealed).hasSize(1 + 12 + SECRET.length + 16);
    }

    @Test
    void sealingTwiceUsesFreshNonces() {
        KeySealer sealer = new KeySealer(randomKey());
        assertThat(sealer.seal(SECRET, "c")).isNotEqualTo(sealer.seal(SECRET, "c"));
    }

    @Test
    void wrongMasterKeyIsRefused() {
        byte[] sealed = new KeySealer(randomKey()).seal(SECRET, "org:acme/user-ca");

        assertThatThrownBy(() -> new KeySealer(randomKey()).open(sealed, "org:acme/user-ca"))
                .isInstanceOf(SealException.class)
                .hasMessage("cannot unseal org:acme/user-ca: wrong master key or corrupted data");
    }

    @Test
    void blobSealedForOneContextCannotBeOpenedAsAnother() {
        KeySealer sealer = new KeySealer(randomKey());
        byte[] sealed = sealer.seal(SECRET, "org:acme/user-ca");

        assertThatThrownBy(() -> sealer.open(sealed, "org:acme/host-ca"))
                .isInstanceOf(SealException.class)
                .hasMessageContaining("org:acme/host-ca");
        assertThatThrownBy(() -> sealer.open(sealed, "org:evil/user-ca")).isInstanceOf(SealException.class);
    }

    @Test
    void everyTamperedByteIsDetected() {
        KeySealer sealer = new KeySealer(randomKey());
        byte[] sealed = sealer.seal(SECRET, "ctx");
        for (int i = 0; i < sealed.length; i++) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= 0x01;
            int at = i;
            assertThatThrownBy(() -> sealer.open(tampered, "ctx"))
                    .as("flipped bit in byte %d", at)
                    .isInstanceOf(SealException.class);
        }
    }

    @Test
    void truncatedBlobIsRefused() {
        KeySealer sealer = new KeySealer(randomKey());
        assertThatThrownBy(() -> sealer.open(new byte[]{1, 2, 3}, "ctx"))
                .isInstanceOf(SealException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void masterKeyMustBe32Bytes() {
        assertThatThrownBy(() -> new KeySealer(new byte[16]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 16 bytes");
    }

    @Test
    void callerMayWipeItsKeyArrayAfterConstruction() {
        byte[] key = randomKey();
        KeySealer sealer = new KeySealer(key);
        byte[] sealed = sealer.seal(SECRET, "ctx");
        java.util.Arrays.fill(key, (byte) 0);

        assertThat(sealer.open(sealed, "ctx")).isEqualTo(SECRET);
    }
}

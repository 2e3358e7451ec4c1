package dev.postern.cli.connect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.ca.Krl;
import dev.postern.ssh.OpenSshKeys;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.Test;

class OrgFactsTest {
    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");

    @Test
    void theServersCurrentRevocationListReplacesACachedOneEvenWithALowerVersion() throws GeneralSecurityException {
        String ca = OpenSshKeys.toLine(KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256).getPublic());
        // cached before the server was restored from a backup (its counts, and so its KRL version, went back), then
        // the person's certificate 7 was revoked: before, the cached list (version 5) was kept and 7 stayed usable
        // here, so 'ssh config --write' named a revoked kept certificate that stock ssh could not log in with
        OrgFacts cached = facts(ca, Krl.write(ca, List.of(1L, 2L, 3L, 4L, 5L), 5, NOW, "before"), "k1");
        OrgFacts fetched = facts(ca, Krl.write(ca, List.of(7L), 1, NOW, "after the restore"), "k2");
        OrgFacts kept = fetched.keepingRevocations(cached);
        assertThat(kept.krl()).isEqualTo(fetched.krl());
        assertThat(kept.revocations().version()).isEqualTo(1);
        // removed machines' host keys are still never forgotten
        assertThat(kept.revokedHostKeys()).containsExactlyInAnyOrder("k1", "k2");
    }

    private static OrgFacts facts(String ca, byte[] krl, String revokedHostKey) {
        return new OrgFacts("acme", NOW, "127.0.0.1:2222", ca, ca, ca, List.of(revokedHostKey),
                Base64.getEncoder().encodeToString(krl), "root");
    }
}

package dev.postern.ca;

import java.time.Instant;
import java.util.List;

/**
 * What to put in a host certificate. The compact constructor validates every field.
 *
 * <pre>{@code
 * new HostCertRequest(hostKeyLine, 7, "machine m-1234", List.of("m-1234.vm.web.internal", "web.internal"),
 *         now.minusSeconds(60), now.plus(Duration.ofDays(30)))
 * }</pre>
 *
 * @param subjectPublicKeyLine the host's OpenSSH public key line (not a certificate)
 * @param serial               unique per CA and &gt; 0
 * @param keyId                free text identifying the host in logs
 * @param principals           the names clients will use to reach the host; never empty
 * @param validAfter           start of validity (whole seconds are signed)
 * @param validBefore          end of validity, after {@code validAfter}
 */
public record HostCertRequest(String subjectPublicKeyLine, long serial, String keyId, List<String> principals,
                              Instant validAfter, Instant validBefore) {
    public HostCertRequest {
        SshKeys.parseSubjectKey(subjectPublicKeyLine, "subjectPublicKeyLine");
        CertRequestChecks.checkSerial(serial);
        CertRequestChecks.checkKeyId(keyId);
        principals = CertRequestChecks.checkPrincipals(principals);
        CertRequestChecks.checkValidity(validAfter, validBefore);
    }
}

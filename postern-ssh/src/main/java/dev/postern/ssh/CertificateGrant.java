package dev.postern.ssh;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.OpenSshCertificate;

/**
 * What a verified user certificate allows on this connection. The certificate authenticator stores it on
 * the server session under {@link #KEY} after every check has passed; session code reads it to honour
 * force-command and the permit-* extensions.
 *
 * @param login the SSH user name that was authenticated (always one of {@code principals})
 * @param forceCommand the certificate's force-command critical option, if any
 */
public record CertificateGrant(String login, String keyId, long serial, List<String> principals,
                               Optional<String> forceCommand, boolean permitPty, boolean permitPortForwarding,
                               boolean permitAgentForwarding, boolean permitUserRc) {
    /** Session attribute holding the grant of the authenticated user. */
    public static final AttributeKey<CertificateGrant> KEY = new AttributeKey<>();
    /**
     * Session attribute holding the certificate the grant was made for, set with {@link #KEY}: a server checks
     * it against every new revocation list while the session lives.
     */
    public static final AttributeKey<OpenSshCertificate> CERTIFICATE = new AttributeKey<>();

    public CertificateGrant {
        Objects.requireNonNull(login, "login");
        Objects.requireNonNull(keyId, "keyId");
        principals = List.copyOf(principals);
        Objects.requireNonNull(forceCommand, "forceCommand");
    }
}

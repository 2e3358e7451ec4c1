package dev.postern.server;

import dev.postern.ca.HostCertRequest;
import dev.postern.ca.SignedCertificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Signs machines' host certificates, at join and at renewal, with the same shape: principals
 * {@code <id>.vm.<app>.internal}, {@code <app>.internal} and the machine's address; validAfter a minute in the
 * past (clock skew); short-lived ({@link ControlPlaneConfig#hostCertValidity()}), so a machine that stops
 * renewing (removed, or offline too long) loses its identity by itself.
 */
final class HostCertificates {
    private final Duration validity;

    HostCertificates(Duration validity) {
        this.validity = validity;
    }

    Duration validity() {
        return validity;
    }

    /**
     * @throws IllegalArgumentException when {@code hostKeyLine} is not a plain public key line
     */
    SignedCertificate sign(Authorities.Opened ca, long serial, String org, String app, String machineId,
                           String address, String hostKeyLine, Instant now) {
        String name = machineId + ".vm." + app + ".internal";
        return ca.host().signHost(new HostCertRequest(hostKeyLine == null ? "" : hostKeyLine.trim(), serial,
                "postern-host:" + org + ":" + name, List.of(name, app + ".internal", address),
                now.minus(CertificateIssuer.BACKDATE), now.plus(validity)));
    }
}

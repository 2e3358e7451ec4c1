package dev.postern.agent.tunnel;

import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;

/**
 * How a machine reaches its gateway.
 *
 * @param gatewayHost the gateway's address (name or IP)
 * @param gatewayPort its SSH port (2222 by default in {@code postern server})
 * @param machineId this machine's id (its login name at the gateway)
 * @param app the app it belongs to; with the id it makes the forwarded name {@code <id>.vm.<app>.internal}
 * @param hostKey the machine's Ed25519 host key pair (the in-process server presents the same key)
 * @param hostCertificate the HOST certificate for that key from the org's host CA
 * @param trust which gateway host keys to accept
 * @param keepAlive interval of keepalive requests; three unanswered ones end the connection (then reconnect)
 * @param backoff delays between reconnect attempts
 * @param clock time for checking the gateway's certificate
 */
public record TunnelConfig(String gatewayHost, int gatewayPort, String machineId, String app, KeyPair hostKey,
                           OpenSshCertificate hostCertificate, GatewayTrust trust, Duration keepAlive, Backoff backoff,
                           Clock clock) {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");

    public TunnelConfig {
        Objects.requireNonNull(gatewayHost, "gatewayHost");
        Objects.requireNonNull(machineId, "machineId");
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(hostKey, "hostKey");
        Objects.requireNonNull(hostCertificate, "hostCertificate");
        Objects.requireNonNull(trust, "trust");
        Objects.requireNonNull(keepAlive, "keepAlive");
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(clock, "clock");
        if (gatewayPort < 1 || gatewayPort > 65535) {
            throw new IllegalArgumentException("gateway port is " + gatewayPort + "; use 1..65535 (default 2222)");
        }
        if (!LABEL.matcher(machineId).matches() || !LABEL.matcher(app).matches()) {
            throw new IllegalArgumentException("machine id \"" + machineId + "\" and app \"" + app
                    + "\" must be DNS labels (a-z, 0-9, '-'); use the values the join returned");
        }
        if (hostCertificate.getType() != OpenSshCertificate.Type.HOST
                || !KeyUtils.compareKeys(hostCertificate.getCertPubKey(), hostKey.getPublic())) {
            throw new IllegalArgumentException("the host certificate must be a HOST certificate for this machine's "
                    + "host key " + KeyUtils.getFingerPrint(hostKey.getPublic()) + "; join again to get a new one");
        }
        if (keepAlive.compareTo(Duration.ofSeconds(1)) < 0 || keepAlive.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("keepAlive is " + keepAlive + "; use 1s..10m (default 15s)");
        }
    }

    /** {@code <id>.vm.<app>.internal}: the name this machine forwards. */
    public String forwardedName() {
        return machineId + ".vm." + app + ".internal";
    }
}

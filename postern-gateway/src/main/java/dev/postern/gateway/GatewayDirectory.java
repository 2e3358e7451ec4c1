package dev.postern.gateway;

import dev.postern.ssh.CertificateRefusedException;
import dev.postern.ssh.RevocationList;
import java.security.PublicKey;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The subset of the control plane the gateway uses, implemented by the server over its store. The gateway calls
 * the read methods on every login and every channel open, so they must be cheap (served from a cache that the
 * control plane keeps current); none may block for long.
 */
public interface GatewayDirectory {
    /** The org whose user CA is {@code caKey}, if any: people's certificates are trusted through it. */
    Optional<String> userCaOrg(PublicKey caKey);

    /** The host-CA public keys of {@code org} (usually one; several during a rotation). */
    List<PublicKey> hostCaKeys(String org);

    /** The current revocation list of {@code org} ({@link RevocationList#empty()} when none). */
    RevocationList revocations(String org);

    /** The machine with this id, in whatever org. */
    Optional<MachineRecord> machine(String machineId);

    /** Whether {@code email} is (still) a member of {@code org}; re-checked on every login and channel. */
    boolean isMember(String org, String email);

    /**
     * Whether {@code email} may reach the machines of {@code app} in {@code org}: owners and admins always, members
     * only with an access grant on the app; re-checked on every channel and when the API reports a change.
     */
    boolean mayReach(String org, String email, String app);

    /** Reports a machine's tunnel going up ({@code online}) or down, for {@code machines list}. */
    void machineOnline(String machineId, boolean online, Instant at);

    /**
     * The deployed secrets of {@code app} in {@code org}, sent to its machines inside their tunnels. The default
     * has none: a directory that keeps no secrets gives machines nothing.
     */
    default DeployedSecrets deployedSecrets(String org, String app) {
        return DeployedSecrets.NONE;
    }

    /**
     * Signs a new host certificate for a logged-in machine's host key (renewal through its tunnel) and returns its
     * line; refuses, with the reason for the log, when the machine was removed or the key is not the one on record.
     * The default refuses: a directory that cannot sign leaves machines on the certificates they have.
     */
    default String renewHostCertificate(MachineRecord machine, PublicKey hostKey) throws CertificateRefusedException {
        throw new CertificateRefusedException("this gateway's directory does not renew host certificates");
    }
}

/**
 * The organization certificate authority: Ed25519 CA keys sealed at rest, OpenSSH user and host
 * certificates, and key revocation lists.
 *
 * <pre>
 *  MasterKey.loadOrCreate ──▶ KeySealer ──seal/open──▶ SealedCaKey (stored by the server)
 *                                 │
 *                     CertificateAuthority.open
 *                                 │
 *        UserCertRequest ──signUser──▶ SignedCertificate (ssh-*-cert-v01@openssh.com line)
 *        HostCertRequest ──signHost──▶ SignedCertificate
 *        revoked serials ──Krl.write──▶ KRL bytes for sshd RevokedKeys / agents / gateways
 * </pre>
 *
 * <p>Certificates are built by MINA's {@code OpenSshCertificateBuilder} and signed with BouncyCastle's
 * Ed25519 (see {@code Ed25519Keys}); the tests check every artifact with the real {@code ssh-keygen} and
 * {@code sshd}.
 */
package dev.postern.ca;

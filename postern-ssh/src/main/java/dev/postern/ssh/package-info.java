/**
 * MINA SSHD glue shared by the agent and the gateway: certificate-only authentication
 * ({@link dev.postern.ssh.CertificateAuthenticator} from a {@link dev.postern.ssh.TrustPolicy}), OpenSSH KRL
 * revocation ({@link dev.postern.ssh.RevocationList}, {@link dev.postern.ssh.RevocationFile}), the algorithm
 * policy ({@link dev.postern.ssh.CryptoPolicy}), the persistent Ed25519 host key and host certificate
 * ({@link dev.postern.ssh.HostKeys}), and {@link dev.postern.ssh.ServerSetup}, which puts them together on an
 * {@code SshServer}. The seam to session code is {@link dev.postern.ssh.CertificateGrant}.
 */
package dev.postern.ssh;

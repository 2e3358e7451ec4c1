package dev.postern.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.server.SshServer;

/**
 * The server's Ed25519 host key, kept in a data directory ({@value #KEY_FILE}, OpenSSH private key format,
 * mode 0600 from the moment it is created) so that it is the same after every restart, and optionally the
 * host certificate for it, presented to clients so that one {@code @cert-authority} known_hosts line
 * suffices.
 *
 * <pre>{@code
 * HostKeys keys = HostKeys.loadOrCreate(dataDir, Optional.of(dataDir.resolve("host-cert.pub")));
 * keys.applyTo(server);
 * }</pre>
 */
public final class HostKeys {
    /** File name of the private key inside the data directory. */
    public static final String KEY_FILE = "ssh_host_ed25519_key";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final KeyPair keyPair;
    private final Optional<OpenSshCertificate> certificate;

    private HostKeys(KeyPair keyPair, Optional<OpenSshCertificate> certificate) {
        this.keyPair = keyPair;
        this.certificate = certificate;
    }

    /** Loads the host key from {@code dataDir}, creating it (and the directory) on first use. No certificate. */
    public static HostKeys loadOrCreate(Path dataDir) {
        return loadOrCreate(dataDir, Optional.empty());
    }

    /**
     * Loads or creates the host key and reads the host certificate file if given.
     *
     * @throws IllegalArgumentException when the certificate is not a HOST certificate for exactly this key
     * @throws UncheckedIOException when the data directory or key cannot be read or written
     */
    public static HostKeys loadOrCreate(Path dataDir, Optional<Path> hostCertificateFile) {
        try {
            if (!Files.isDirectory(dataDir)) {
                // the data dir also holds the machine's identity and trust anchors: only the agent may read it
                Files.createDirectories(dataDir,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            Path keyFile = dataDir.resolve(KEY_FILE);
            KeyPair kp = Files.exists(keyFile) ? load(keyFile) : create(keyFile);
            Optional<OpenSshCertificate> cert = Optional.empty();
            if (hostCertificateFile.isPresent()) {
                cert = Optional.of(checkCertificate(hostCertificateFile.get(), kp.getPublic()));
            }
            return new HostKeys(kp, cert);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load or create the host key in " + dataDir + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load or create the host key in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    public KeyPair keyPair() {
        return keyPair;
    }

    public PublicKey publicKey() {
        return keyPair.getPublic();
    }

    public Optional<OpenSshCertificate> certificate() {
        return certificate;
    }

    /** The public key as an OpenSSH line ({@code ssh-ed25519 AAAA...}), e.g. to send to the CA for signing. */
    public String publicKeyLine() {
        return OpenSshKeys.toLine(keyPair.getPublic());
    }

    /** Makes {@code server} present this key, and the certificate when there is one. */
    public void applyTo(SshServer server) {
        server.setKeyPairProvider(KeyPairProvider.wrap(keyPair));
        if (certificate.isPresent()) {
            List<OpenSshCertificate> certs = List.of(certificate.get());
            server.setHostKeyCertificateProvider(session -> certs);
        } else {
            server.setHostKeyCertificateProvider(null);
        }
    }

    private static KeyPair load(Path keyFile) throws IOException, GeneralSecurityException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(keyFile);
        if (!OWNER_ONLY.containsAll(perms)) {
            throw new IOException("host key " + keyFile + " has permissions "
                    + PosixFilePermissions.toString(perms) + "; it must be readable by its owner only (chmod 600)");
        }
        try (InputStream in = Files.newInputStream(keyFile)) {
            Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(keyFile.toString()),
                    in, null);
            Iterator<KeyPair> it = pairs == null ? null : pairs.iterator();
            if (it == null || !it.hasNext()) {
                throw new IOException("no key in " + keyFile);
            }
            KeyPair kp = it.next();
            if (!KeyPairProvider.SSH_ED25519.equals(KeyUtils.getKeyType(kp))) {
                throw new IOException("host key " + keyFile + " is " + KeyUtils.getKeyType(kp)
                        + ", expected ssh-ed25519; move it away to have a new one created");
            }
            return kp;
        }
    }

    private static KeyPair create(Path keyFile) throws IOException, GeneralSecurityException {
        KeyPair kp = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        Path dir = keyFile.getParent();
        // Written to a temp file that is 0600 from creation, then renamed: no window where the key is
        // readable by others, and no half-written key after a crash.
        Path tmp = Files.createTempFile(dir, KEY_FILE, ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(kp, "postern-host", null, out);
            }
            try {
                Files.move(tmp, keyFile, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                return load(keyFile); // another process created it first: use theirs
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        Path pub = keyFile.resolveSibling(KEY_FILE + ".pub");
        Files.writeString(pub, OpenSshKeys.toLine(kp.getPublic()) + " postern-host\n", StandardCharsets.UTF_8);
        return kp;
    }

    static OpenSshCertificate checkCertificate(Path certFile, PublicKey hostKey) throws IOException {
        OpenSshCertificate cert;
        try {
            cert = OpenSshKeys.readCertificate(certFile);
        } catch (IllegalArgumentException e) {
            // the reader's message already names the file
            throw new IllegalArgumentException("host certificate " + e.getMessage() + "; put in it the "
                    + KEY_FILE + "-cert.pub that 'ssh-keygen -s CA -h ... " + KEY_FILE + ".pub' writes", e);
        }
        if (cert.getType() != OpenSshCertificate.Type.HOST) {
            throw new IllegalArgumentException("host certificate " + certFile + " is a " + cert.getType()
                    + " certificate; sign the host key with 'ssh-keygen -s CA -h ...'");
        }
        if (!KeyUtils.compareKeys(cert.getCertPubKey(), hostKey)) {
            throw new IllegalArgumentException("host certificate " + certFile + " certifies "
                    + KeyUtils.getFingerPrint(cert.getCertPubKey()) + ", not this host key "
                    + KeyUtils.getFingerPrint(hostKey) + "; sign " + KEY_FILE + ".pub instead");
        }
        return cert;
    }
}

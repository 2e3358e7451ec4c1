package dev.postern.cli.connect;

import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.client.PrivateFiles;
import dev.postern.ssh.OpenSshKeys;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * A key file and its certificate {@code key + "-cert.pub"}, as ssh finds them next to {@code -i key}: the
 * identity the CLI keeps per login context and org ({@link ContextFiles#keptKey}), and the {@code ~/.ssh/id_postern*}
 * files of {@code postern ssh issue --dotssh}. The private key is OpenSSH's format, unencrypted and 0600, as every
 * key the CLI writes (it lives hours, and ssh must read it without a passphrase); a key file another user owns or
 * could read or write is never loaded ({@link PrivateFiles}).
 */
record KeptIdentity(Path key) {
    Path certificate() {
        return key.resolveSibling(key.getFileName() + "-cert.pub");
    }

    boolean exists() {
        return Files.exists(key) || Files.exists(certificate());
    }

    /** A certificate is one line of 1 to 3 KiB; a file far larger is not one, and is not read into memory. */
    static final long MAX_CERTIFICATE = 64 << 10;

    /**
     * The certificate alone (it is public), to judge before the key is read; empty when absent, unreadable or larger
     * than {@link #MAX_CERTIFICATE}.
     */
    Optional<OpenSshCertificate> readCertificate() {
        if (!Files.isRegularFile(certificate(), LinkOption.NOFOLLOW_LINKS)
                || PrivateFiles.untrustedDirectory(certificate().toAbsolutePath().getParent()).isPresent()) {
            // a link, or a FIFO that would block the read; in a directory others may write, a regular file now can
            // be a FIFO by the time it is opened
            return Optional.empty();
        }
        // never through a link: the bytes read are the file's own (O_NOFOLLOW), at most one byte past the limit
        try (InputStream in = Files.newInputStream(certificate(), LinkOption.NOFOLLOW_LINKS)) {
            byte[] bytes = in.readNBytes((int) MAX_CERTIFICATE + 1);
            if (bytes.length > MAX_CERTIFICATE) {
                return Optional.empty();
            }
            List<PublicKey> keys = OpenSshKeys.parsePublicKeys(new String(bytes, StandardCharsets.UTF_8));
            return keys.size() == 1 && keys.get(0) instanceof OpenSshCertificate c ? Optional.of(c) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The key pair with {@code cert}, or why not: the key file is untrusted, unreadable, or not the key
     * {@code cert} certifies.
     */
    Loaded load(OpenSshCertificate cert) {
        Optional<String> untrusted = PrivateFiles.untrusted(key, true);
        if (untrusted.isPresent()) {
            return new Loaded(null, untrusted.get());
        }
        try (InputStream in = Files.newInputStream(key, LinkOption.NOFOLLOW_LINKS)) {
            Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(key.toString()), in,
                    null);
            Iterator<KeyPair> it = pairs == null ? null : pairs.iterator();
            if (it == null || !it.hasNext()) {
                return new Loaded(null, "no key in the file");
            }
            KeyPair pair = it.next();
            if (!KeyUtils.compareKeys(pair.getPublic(), cert.getCertPubKey())) {
                return new Loaded(null, "the certificate is for another key");
            }
            return new Loaded(new UserIdentity(pair, cert, key.toString()), "");
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return new Loaded(null, "cannot read it (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** A loaded identity, or why there is none. */
    record Loaded(UserIdentity identity, String why) {
    }

    /** Writes the pair and its certificate: the key 0600 (OpenSSH format), the certificate 0644, in a 0700 dir. */
    void write(KeyPair pair, String certificateLine, String comment) {
        try {
            PrivateFiles.createDirectory(key.getParent());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, comment, null, out);
            PrivateFiles.replace(key, out.toByteArray(), PrivateFiles.PRIVATE);
            PrivateFiles.replace(certificate(), (certificateLine.strip() + "\n").getBytes(StandardCharsets.UTF_8),
                    PrivateFiles.PUBLIC);
        } catch (IOException | GeneralSecurityException e) {
            throw new CliException(ExitCodes.FAILURE, "cannot write " + key + ": " + e.getMessage(), e);
        }
    }
}

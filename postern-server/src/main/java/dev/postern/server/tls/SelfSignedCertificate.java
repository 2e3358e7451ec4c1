package dev.postern.server.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import dev.postern.common.tls.Fingerprint;
import java.util.Set;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's own TLS identity in {@code <data>/tls}: an ECDSA P-256 key made once and kept ({@code key.pem},
 * 0600, in a 0700 directory) and a self-signed certificate for it ({@code cert.pem}). Clients pin the key (see
 * {@code Fingerprint}), so when the names change (another {@code --advertise}) or the certificate nears its
 * end, a new certificate is made for the SAME key and every pin stays valid.
 */
public final class SelfSignedCertificate {
    private static final Logger LOG = LoggerFactory.getLogger(SelfSignedCertificate.class);
    static final Duration VALIDITY = Duration.ofDays(5 * 365);
    static final Duration RENEW_BEFORE = Duration.ofDays(90);
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");

    private SelfSignedCertificate() {
    }

    /** Where the PEM files are. */
    public record PemFiles(Path cert, Path key) {
    }

    /**
     * Loads or makes the key, and makes a certificate for it unless {@code cert.pem} already is one for this key,
     * these names, and still valid for a while.
     *
     * @param names DNS names and IP addresses (SANs); the first is also the subject's CN
     */
    public static PemFiles ensure(Path tlsDir, List<String> names, Clock clock) {
        Path keyFile = tlsDir.resolve("key.pem");
        Path certFile = tlsDir.resolve("cert.pem");
        try {
            privateDir(tlsDir);
            KeyPair pair;
            if (Files.exists(keyFile)) {
                PrivateKey key = readKey(keyFile);
                pair = new KeyPair(publicKeyOf(key), key);
            } else {
                KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec("secp256r1"));
                pair = g.generateKeyPair();
                writePrivate(keyFile, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
                LOG.info("made the API's TLS key {} (ECDSA P-256)", keyFile);
            }
            byte[] sans = new GeneralNames(generalNames(names)).getEncoded();
            Instant now = clock.instant();
            if (Files.exists(certFile)) {
                X509Certificate old = Pem.firstCertificate(certFile);
                boolean sameKey = Arrays.equals(old.getPublicKey().getEncoded(), pair.getPublic().getEncoded());
                if (sameKey && Arrays.equals(sans(old), sans)
                        && old.getNotAfter().toInstant().isAfter(now.plus(RENEW_BEFORE))) {
                    return new PemFiles(certFile, keyFile);
                }
                LOG.info("re-issuing the API's self-signed certificate for the same key (pins stay valid): names {}",
                        names);
            }
            writePrivate(certFile, pem("CERTIFICATE", issue(pair, names, now).getEncoded()));
            return new PemFiles(certFile, keyFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the API's TLS key and certificate in " + tlsDir + ": "
                    + e.getMessage() + "; check that the data dir is writable", e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make the API's TLS certificate: " + e.getMessage(), e);
        }
    }

    /**
     * The fingerprint of the server's own certificate in {@code <data>/tls}, for lines printed on the server host
     * ({@code postern server admin-token}); empty when the server has none (it uses the operator's files).
     */
    public static Optional<Fingerprint> fingerprintIn(Path dataDir) {
        Path cert = dataDir.resolve("tls").resolve("cert.pem");
        if (!Files.exists(cert)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Fingerprint.of(Pem.firstCertificate(cert)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + cert + ": " + e.getMessage(), e);
        }
    }

    private static X509Certificate issue(KeyPair pair, List<String> names, Instant now)
            throws IOException, GeneralSecurityException, OperatorCreationException {
        X500Name subject = new X500Name("CN=" + names.get(0).replaceAll("[^A-Za-z0-9.:_-]", "_") + ",O=Postern");
        // an hour back: clients whose clocks lag a little still accept it
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject,
                new BigInteger(127, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(VALIDITY)), subject, pair.getPublic());
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(generalNames(names)));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    }

    private static GeneralName[] generalNames(List<String> names) {
        List<GeneralName> out = new ArrayList<>();
        for (String n : names) {
            boolean ip = n.contains(":") || n.matches("\\d{1,3}(\\.\\d{1,3}){3}");
            out.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, n));
        }
        return out.toArray(new GeneralName[0]);
    }

    private static byte[] sans(X509Certificate cert) {
        byte[] ext = cert.getExtensionValue(Extension.subjectAlternativeName.getId());
        return ext == null ? new byte[0] : ASN1OctetString.getInstance(ext).getOctets();
    }

    /** The public half of an EC private key: d times the curve's generator. */
    static PublicKey publicKeyOf(PrivateKey key) throws GeneralSecurityException {
        if (!(key instanceof ECPrivateKey ec)) {
            throw new GeneralSecurityException("not an EC key: " + key.getAlgorithm());
        }
        ECNamedCurveParameterSpec curve = ECNamedCurveTable.getParameterSpec("secp256r1");
        org.bouncycastle.math.ec.ECPoint q = curve.getG().multiply(ec.getS()).normalize();
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(
                new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger()), ec.getParams()));
    }

    private static PrivateKey readKey(Path file) throws IOException, GeneralSecurityException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        String b64 = text.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static void privateDir(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
        }
        if (!Files.getPosixFilePermissions(dir).equals(DIR_MODE)) {
            Files.setPosixFilePermissions(dir, DIR_MODE);
        }
    }

    private static void writePrivate(Path file, String text) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), ".tls", ".tmp", PosixFilePermissions.asFileAttribute(FILE_MODE));
        try {
            Files.writeString(tmp, text, StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}

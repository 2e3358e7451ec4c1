package dev.postern.ssh;

import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.ClientBuilder;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.common.NamedFactory;
import dev.postern.ssh.cipher.ChaCha20Poly1305Factory;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.CipherFactory;
import org.apache.sshd.common.compression.BuiltinCompressions;
import org.apache.sshd.common.compression.Compression;
import org.apache.sshd.common.helpers.AbstractFactoryManager;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.kex.DHFactory;
import org.apache.sshd.common.kex.KeyExchangeFactory;
import org.apache.sshd.common.kex.extension.DefaultClientKexExtensionHandler;
import org.apache.sshd.common.kex.extension.DefaultServerKexExtensionHandler;
import org.apache.sshd.common.mac.BuiltinMacs;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.SshServer;

/**
 * Postern's algorithm policy, applied to a MINA {@link SshServer} or {@link SshClient}:
 * <ul>
 * <li>key exchange: post-quantum hybrids first when the crypto provider has them (mlkem768x25519-sha256,
 * sntrup761x25519-sha512 and its @openssh.com alias, both need BouncyCastle: bcprov 1.79 provides them for
 * MINA 2.16), then curve25519-sha256 and curve25519-sha256@libssh.org. MINA adds the strict-KEX marker
 * (kex-strict-s/c-v00@openssh.com, Terrapin mitigation) itself; ext-info is sent by the default
 * extension handlers set here.</li>
 * <li>host keys: ssh-ed25519 and ssh-ed25519-cert-v01@openssh.com only (a server advertises only the
 * types it holds keys for, and {@link HostKeys} holds one Ed25519 key).</li>
 * <li>user keys (server side): Ed25519, ECDSA and RSA-SHA2 and their certificates, so people may bring
 * their own key type; the CA signature itself is checked by {@link CertificateAuthenticator}.</li>
 * <li>ciphers: aes128-gcm@openssh.com, aes256-gcm@openssh.com, chacha20-poly1305@openssh.com (our
 * {@link ChaCha20Poly1305Factory}: the JDK's ChaCha20 with the JDK's Poly1305 where HotSpot intrinsifies it, else
 * MINA's, instead of MINA's slower pure-Java
 * cipher), then aes128-ctr and
 * aes256-ctr after the AEAD ciphers (as OpenSSH offers them) for clients without AEAD ciphers: paramiko 2.x
 * (Debian 12) and libssh2-based clients; a CTR cipher is only ever paired with an encrypt-then-MAC MAC, since
 * those are the only MACs offered: hmac-sha2-256-etm and hmac-sha2-512-etm (unused with AEAD, still
 * negotiated); no compression.</li>
 * <li>identification "SSH-2.0-Postern": no library name or version.</li>
 * </ul>
 */
public final class CryptoPolicy {
    /** Sent after "SSH-2.0-" by servers and clients. */
    public static final String IDENTIFICATION = "Postern";

    private static final List<BuiltinDHFactories> KEX = List.of(
            BuiltinDHFactories.mlkem768x25519,
            BuiltinDHFactories.sntrup761x25519,
            BuiltinDHFactories.sntrup761x25519_openssh,
            BuiltinDHFactories.curve25519,
            BuiltinDHFactories.curve25519_libssh);
    private static final List<CipherFactory> CIPHERS = List.of(
            BuiltinCiphers.aes128gcm, BuiltinCiphers.aes256gcm, ChaCha20Poly1305Factory.INSTANCE,
            BuiltinCiphers.aes128ctr, BuiltinCiphers.aes256ctr);
    private static final List<BuiltinMacs> MACS = List.of(BuiltinMacs.hmacsha256etm, BuiltinMacs.hmacsha512etm);
    private static final List<BuiltinSignatures> HOST_KEY_SIGNATURES = List.of(
            BuiltinSignatures.ed25519_cert, BuiltinSignatures.ed25519);
    private static final List<BuiltinSignatures> USER_KEY_SIGNATURES = List.of(
            BuiltinSignatures.nistp256_cert, BuiltinSignatures.nistp384_cert, BuiltinSignatures.nistp521_cert,
            BuiltinSignatures.rsaSHA512_cert, BuiltinSignatures.rsaSHA256_cert,
            BuiltinSignatures.nistp256, BuiltinSignatures.nistp384, BuiltinSignatures.nistp521,
            BuiltinSignatures.rsaSHA512, BuiltinSignatures.rsaSHA256);

    private CryptoPolicy() {
    }

    /** Applies the policy to a server; call before {@code start()}. */
    public static void applyTo(SshServer server) {
        server.setKeyExchangeFactories(keyExchanges(ServerBuilder.DH2KEX::apply));
        List<BuiltinSignatures> sigs = new ArrayList<>(HOST_KEY_SIGNATURES);
        sigs.addAll(USER_KEY_SIGNATURES);
        applyCommon(server, sigs);
        server.setKexExtensionHandler(DefaultServerKexExtensionHandler.INSTANCE);
        CoreModuleProperties.SERVER_IDENTIFICATION.set(server, IDENTIFICATION);
    }

    /**
     * Applies the policy to a client; call before {@code start()}. The client accepts only Ed25519 host keys
     * (plain or certified) and signs with Ed25519 keys or certificates.
     */
    public static void applyTo(SshClient client) {
        client.setKeyExchangeFactories(keyExchanges(ClientBuilder.DH2KEX::apply));
        applyCommon(client, HOST_KEY_SIGNATURES);
        client.setKexExtensionHandler(DefaultClientKexExtensionHandler.INSTANCE);
        CoreModuleProperties.CLIENT_IDENTIFICATION.set(client, IDENTIFICATION);
        // A host certificate that fails MINA's own checks ends the key exchange instead of being dropped for the
        // bare key: our verifiers then never see (and mis-report) a machine whose certificate is bad.
        CoreModuleProperties.ABORT_ON_INVALID_CERTIFICATE.set(client, true);
    }

    /** Names of the key exchanges in preference order, as available with the current crypto provider. */
    public static List<String> keyExchangeNames() {
        return KEX.stream().filter(BuiltinDHFactories::isSupported).map(BuiltinDHFactories::getName).toList();
    }

    private static List<KeyExchangeFactory> keyExchanges(java.util.function.Function<DHFactory, KeyExchangeFactory> f) {
        List<KeyExchangeFactory> out = new ArrayList<>();
        for (BuiltinDHFactories dh : KEX) {
            if (dh.isSupported()) {
                out.add(f.apply(dh));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no allowed key exchange is supported by the crypto provider; "
                    + "put bcprov-jdk18on on the classpath");
        }
        return out;
    }

    private static void applyCommon(AbstractFactoryManager manager, List<BuiltinSignatures> signatures) {
        manager.setCipherFactories(supported(CIPHERS));
        manager.setMacFactories(supported(MACS));
        List<NamedFactory<Compression>> none = List.of(BuiltinCompressions.none);
        manager.setCompressionFactories(none);
        manager.setSignatureFactories(supported(signatures));
    }

    private static <T, F extends NamedFactory<T> & org.apache.sshd.common.OptionalFeature> List<NamedFactory<T>> supported(
            List<F> factories) {
        List<NamedFactory<T>> out = new ArrayList<>();
        for (F f : factories) {
            if (f.isSupported()) {
                out.add(f);
            }
        }
        return out;
    }
}

package dev.postern.ca;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.spec.PKCS8EncodedKeySpec;
import org.bouncycastle.jcajce.interfaces.EdDSAPrivateKey;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Ed25519 CA keys as BouncyCastle objects. BouncyCastle, not the JDK's SunEC: MINA signs certificates
 * through the JCA "EdDSA" signature of its registered BC provider, which is an order of magnitude faster
 * than SunEC's, and a BC key keeps it on that path without conversion.
 */
final class Ed25519Keys {
    // a private instance: works whether or not anyone added BC to java.security.Security
    private static final Provider BC = new BouncyCastleProvider();

    private Ed25519Keys() {
    }

    static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance("Ed25519", BC).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("BouncyCastle cannot generate Ed25519 keys", e);
        }
    }

    /** PKCS#8 DER of the private key; the caller wipes it after sealing. */
    static byte[] encodePrivate(KeyPair pair) {
        byte[] der = pair.getPrivate().getEncoded();
        if (der == null) {
            throw new IllegalStateException("Ed25519 private key has no PKCS#8 encoding");
        }
        return der;
    }

    /** Rebuilds the key pair from PKCS#8 DER; the public half is derived, not trusted from storage. */
    static KeyPair decodePrivate(byte[] pkcs8) {
        try {
            EdDSAPrivateKey priv = (EdDSAPrivateKey) KeyFactory.getInstance("Ed25519", BC)
                    .generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            return new KeyPair(priv.getPublicKey(), priv);
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("unsealed CA private key is not a PKCS#8 Ed25519 key: "
                    + e.getClass().getSimpleName(), e);
        }
    }
}

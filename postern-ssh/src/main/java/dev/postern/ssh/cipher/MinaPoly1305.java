package dev.postern.ssh.cipher;

import org.apache.sshd.common.mac.Poly1305Mac;

/** MINA's pure-Java {@link Poly1305Mac}: the fallback wherever the JDK's Poly1305 is not intrinsified or reachable. */
final class MinaPoly1305 implements Poly1305 {
    private final Poly1305Mac mac = new Poly1305Mac();

    @Override
    public void init(byte[] key) throws Exception {
        mac.init(key);
    }

    @Override
    public void update(byte[] input, int offset, int length) {
        mac.update(input, offset, length);
    }

    @Override
    public void finish(byte[] out, int offset) throws Exception {
        mac.doFinal(out, offset);
    }

    @Override
    public String toString() {
        return "MINA Poly1305";
    }
}

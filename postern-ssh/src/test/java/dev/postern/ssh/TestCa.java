package dev.postern.ssh;

import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.config.keys.OpenSshCertificate;

/** A certificate authority made of real ssh-keygen calls, in a temp directory. */
final class TestCa {
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final Path dir;
    private final Path caKey;
    private int counter;

    TestCa(Path dir, String name) {
        this.dir = dir;
        this.caKey = dir.resolve(name);
        keygen(caKey, name);
    }

    Path caPrivateKey() {
        return caKey;
    }

    Path caPublicKeyFile() {
        return caKey.resolveSibling(caKey.getFileName() + ".pub");
    }

    PublicKey caPublicKey() {
        try {
            return OpenSshKeys.readPublicKeys(caPublicKeyFile()).get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh user key pair; returns the private key path (public is path + ".pub"). */
    Path newUserKey(String name) {
        Path key = dir.resolve(name);
        keygen(key, name);
        return key;
    }

    /**
     * Signs {@code userKey}.pub with {@code extra} ssh-keygen arguments (e.g. "-n", "alice", "-z", "5",
     * "-O", "force-command=x"); returns the certificate file.
     */
    Path sign(Path userKey, String keyId, String... extra) {
        String base = caKey.getFileName() + "-cert" + (++counter);
        Path pub = dir.resolve(base + ".pub");
        try {
            Files.copy(userKey.resolveSibling(userKey.getFileName() + ".pub"), pub);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> cmd = new ArrayList<>(List.of("ssh-keygen", "-q", "-s", caKey.toString(), "-I", keyId));
        cmd.addAll(List.of(extra));
        cmd.add(pub.toString());
        run(cmd);
        return dir.resolve(base + "-cert.pub");
    }

    static OpenSshCertificate read(Path certFile) {
        try {
            return OpenSshKeys.readCertificate(certFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void keygen(Path key, String comment) {
        run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", key.toString()));
    }

    static ProcessResult run(List<String> cmd) {
        ProcessResult r = Processes.run(TIMEOUT, cmd);
        if (r.exitCode() != 0) {
            throw new AssertionError(cmd + " failed: " + r);
        }
        return r;
    }
}

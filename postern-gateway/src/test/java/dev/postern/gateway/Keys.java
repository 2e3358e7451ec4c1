package dev.postern.gateway;

import dev.postern.ssh.OpenSshKeys;
import dev.postern.ssh.RevocationList;
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

/** Keys, certificates and KRLs made by the real ssh-keygen. */
final class Keys {
    private Keys() {
    }

    static Path keygen(Path dir, String name) {
        Path key = dir.resolve(name);
        run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", key.toString()));
        return key;
    }

    static PublicKey publicKey(Path privateKey) {
        try {
            return OpenSshKeys.readPublicKeys(Path.of(privateKey + ".pub")).get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Signs {@code pub} (a .pub file) with {@code ca}; returns the -cert.pub file next to it. */
    static Path sign(Path ca, Path pub, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ssh-keygen", "-q", "-s", ca.toString()));
        cmd.addAll(List.of(args));
        cmd.add(pub.toString());
        run(cmd);
        String name = pub.getFileName().toString();
        return pub.resolveSibling(name.substring(0, name.length() - 4) + "-cert.pub");
    }

    static OpenSshCertificate certificate(Path certFile) {
        try {
            return OpenSshKeys.readCertificate(certFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A KRL from {@code ca} revoking {@code serial}. */
    static RevocationList krlRevokingSerial(Path dir, Path ca, long serial) {
        try {
            Path spec = Files.createTempFile(dir, "krl-spec", "");
            Files.writeString(spec, "serial: " + serial + "\n");
            Path krl = dir.resolve("revoked-" + serial + ".krl");
            run(List.of("ssh-keygen", "-q", "-k", "-f", krl.toString(), "-s", ca + ".pub", spec.toString()));
            return RevocationList.parse(Files.readAllBytes(krl));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ProcessResult run(List<String> cmd) {
        ProcessResult r = Processes.run(Duration.ofSeconds(30), cmd);
        if (r.exitCode() != 0) {
            throw new AssertionError(cmd + " failed: " + r);
        }
        return r;
    }
}

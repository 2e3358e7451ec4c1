package dev.postern.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Drives the real {@code ssh-keygen} in tests: make key pairs, read certificates ({@code -L}), fingerprints
 * ({@code -l}) and KRL queries ({@code -Q}).
 *
 * <pre>{@code
 * Path key = SshKeygen.generate(tmp, "alice", "ed25519");       // tmp/alice (0600) and tmp/alice.pub
 * String pub = SshKeygen.publicKeyLine(key);
 * }</pre>
 */
public final class SshKeygen {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private SshKeygen() {
    }

    /**
     * Creates an unencrypted key pair {@code dir/name} + {@code dir/name.pub} with comment {@code name}.
     *
     * @param type {@code ed25519}, {@code ecdsa} (256 bits) or {@code rsa} (3072 bits)
     * @return the private key file
     */
    public static Path generate(Path dir, String name, String type) {
        Path key = dir.resolve(name);
        List<String> cmd = new ArrayList<>(List.of("ssh-keygen", "-q", "-t", type, "-N", "", "-C", name, "-f",
                key.toString()));
        ProcessResult r = Processes.run(TIMEOUT, cmd);
        if (r.exitCode() != 0) {
            throw new AssertionError("ssh-keygen could not generate " + type + " key " + key + ": " + r);
        }
        return key;
    }

    /** The one-line content of {@code privateKey + ".pub"}, trimmed. */
    public static String publicKeyLine(Path privateKey) {
        return read(Path.of(privateKey + ".pub")).strip();
    }

    /** The {@code -cert.pub} file ssh looks for next to {@code privateKey}. */
    public static Path certificateFile(Path privateKey) {
        return Path.of(privateKey + "-cert.pub");
    }

    /** {@code ssh-keygen -L -f file}: the human-readable dump of a certificate; fails unless it exits 0. */
    public static String list(Path certificateFile) {
        return ok(List.of("ssh-keygen", "-L", "-f", certificateFile.toString()));
    }

    /** The {@code SHA256:...} fingerprint {@code ssh-keygen -lf file} prints for a public key or certificate. */
    public static String fingerprint(Path publicKeyFile) {
        String out = ok(List.of("ssh-keygen", "-l", "-E", "sha256", "-f", publicKeyFile.toString())).strip();
        String[] fields = out.split("\\s+");
        if (fields.length < 2 || !fields[1].startsWith("SHA256:")) {
            throw new AssertionError("unexpected ssh-keygen -lf output: " + out);
        }
        return fields[1];
    }

    /** {@code ssh-keygen -Q -f krl files...}: checks keys or certificates against a KRL; exit 0 means none revoked. */
    public static ProcessResult queryKrl(Path krl, Path... files) {
        List<String> cmd = new ArrayList<>(List.of("ssh-keygen", "-Q", "-f", krl.toString()));
        for (Path f : files) {
            cmd.add(f.toString());
        }
        return Processes.run(TIMEOUT, cmd);
    }

    private static String ok(List<String> cmd) {
        ProcessResult r = Processes.run(TIMEOUT, cmd);
        if (r.exitCode() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed: " + r);
        }
        return r.stdout();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}

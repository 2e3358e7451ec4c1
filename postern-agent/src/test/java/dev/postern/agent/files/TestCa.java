package dev.postern.agent.files;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/** A user CA made with the real {@code ssh-keygen}; issues user certificates with {@code ssh-keygen -s}. */
public final class TestCa {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final Path dir;
    private final Path key;
    private long serial = 1;

    private TestCa(Path dir) {
        this.dir = dir;
        this.key = dir.resolve("user-ca");
    }

    public static TestCa create(Path dir) {
        TestCa ca = new TestCa(dir);
        keygen(ca.key, "test-user-ca");
        return ca;
    }

    public PublicKey publicKey() {
        try {
            return PublicKeyEntry.parsePublicKeyEntry(Files.readString(dir.resolve("user-ca.pub")).trim())
                    .resolvePublicKey(null, null, null);
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot read test CA key", e);
        }
    }

    /**
     * A fresh key pair for {@code login} with a certificate next to it ({@code NAME-cert.pub}).
     *
     * @param options extra {@code ssh-keygen -O} options, e.g. {@code no-port-forwarding}
     * @return the private key path
     */
    public synchronized Path issue(String name, String login, String... options) {
        Path user = dir.resolve(name);
        keygen(user, name);
        List<String> cmd = new ArrayList<>(List.of("ssh-keygen", "-q", "-s", key.toString(), "-I", name + "@test",
                "-n", login, "-V", "-5m:+1h", "-z", Long.toString(serial++)));
        for (String o : options) {
            cmd.add("-O");
            cmd.add(o);
        }
        cmd.add(user + ".pub");
        ProcessResult r = Processes.run(TIMEOUT, cmd);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return user;
    }

    private static void keygen(Path key, String comment) {
        ProcessResult r = Processes.run(TIMEOUT, List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment,
                "-f", key.toString()));
        assertThat(r.exitCode()).as(r.toString()).isZero();
    }

    static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

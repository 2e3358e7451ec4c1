package dev.postern.cli.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key file is checked by the real ssh-keygen: OpenSSH must read it back to the same public key. */
class UserKeyPairTest {
    @TempDir
    Path tmp;

    @Test
    void writesAnOpenSshPrivateKeyThatSshKeygenReads() throws Exception {
        UserKeyPair key = UserKeyPair.generate();
        assertThat(key.publicKeyLine()).startsWith("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5");
        assertThat(key.publicPoint()).hasSize(32);
        assertThat(key.privateSeed()).hasSize(32);

        KeyFiles files = new KeyFiles(tmp.resolve("id"));
        files.checkWritable(false, false);
        files.write(key.openSshPrivateKey("postern:test"), "ssh-ed25519-cert-v01@openssh.com AAAA postern:test");

        assertThat(Files.readString(files.key())).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.key()))).isEqualTo("rw-------");
        assertThat(files.certificate()).hasFileName("id-cert.pub");
        ProcessResult r = Processes.run(Duration.ofSeconds(20), List.of("ssh-keygen", "-y", "-f", files.key().toString()));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout().strip()).startsWith(key.publicKeyLine());
    }
}

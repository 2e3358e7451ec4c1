package dev.postern.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real ssh-audit against a server locked down by {@link ServerSetup}: no fail and no warn lines except the
 * documented false positives below (see postern-ssh/README-ssh-audit.md). The full output is written to
 * target/ssh-audit.txt.
 */
class SshAuditIT {
    /**
     * False positives of Debian 12's ssh-audit 2.5.0 (2021), whose algorithm database predates them:
     * mlkem768x25519-sha256 (OpenSSH 9.9, 2024) and sntrup761x25519-sha512 (the IANA name, OpenSSH 9.9) are
     * "unknown"; kex-strict-s-v00@openssh.com is the Terrapin (CVE-2023-48795) countermeasure marker, not a
     * key exchange, and is also "unknown"; sntrup761x25519-sha512@openssh.com is called "experimental",
     * but it has been OpenSSH's default key exchange since 9.0 (2022).
     */
    private static final List<String> ALLOWED = List.of(
            "(kex) mlkem768x25519-sha256 ",
            "(kex) sntrup761x25519-sha512 ",
            "(kex) kex-strict-s-v00@openssh.com ",
            "(kex) sntrup761x25519-sha512@openssh.com ");

    @TempDir
    Path dir;

    @Test
    void sshAuditReportsNoFailAndNoWarn() throws Exception {
        TrustPolicy policy = TrustPolicy.fixed(List.of(), Clock.systemUTC());
        try (TestServer server = new TestServer(new CertificateAuthenticator(policy), HostKeys.loadOrCreate(dir))) {
            ProcessResult r = Processes.run(Duration.ofSeconds(60),
                    List.of("ssh-audit", "--no-colors", "-p", String.valueOf(server.port()), "127.0.0.1"));
            String out = r.stdout().replaceAll("\u001B\\[[0-9;]*m", "");
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target", "ssh-audit.txt"), out + r.stderr());
            assertThat(out).as(r.toString()).contains("SSH-2.0-Postern");
            List<String> bad = out.lines()
                    .filter(l -> l.contains("(fail)") || l.contains("(warn)") || l.contains("[fail]") || l.contains("[warn]"))
                    .filter(l -> ALLOWED.stream().noneMatch(l::startsWith))
                    .toList();
            assertThat(bad).as(out).isEmpty();
            assertThat(out).doesNotContain("MINA").doesNotContain("APACHE").doesNotContain("zlib")
                    .doesNotContain("hmac-sha1").doesNotContain("nistp");
        }
    }
}

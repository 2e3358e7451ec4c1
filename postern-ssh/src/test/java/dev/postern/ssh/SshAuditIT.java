package dev.postern.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.testing.SshAudit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real ssh-audit against a server locked down by {@link ServerSetup}: no fail and no warn lines except the
 * documented false positives in {@link SshAudit#ALLOWED} (see postern-ssh/README-ssh-audit.md). The full
 * output is written to target/ssh-audit.txt.
 */
class SshAuditIT {
    @TempDir
    Path dir;

    @Test
    void sshAuditReportsNoFailAndNoWarn() throws Exception {
        TrustPolicy policy = TrustPolicy.fixed(List.of(), Clock.systemUTC());
        try (TestServer server = new TestServer(new CertificateAuthenticator(policy), HostKeys.loadOrCreate(dir))) {
            String out = SshAudit.run(server.port());
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target", "ssh-audit.txt"), out);
            assertThat(out).contains("SSH-2.0-Postern");
            assertThat(SshAudit.problems(out)).as(out).isEmpty();
            assertThat(out).doesNotContain("MINA").doesNotContain("APACHE").doesNotContain("zlib")
                    .doesNotContain("hmac-sha1").doesNotContain("nistp");
        }
    }
}

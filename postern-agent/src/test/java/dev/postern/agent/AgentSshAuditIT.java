package dev.postern.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.agent.session.Accounts;
import dev.postern.ssh.HostKeys;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import dev.postern.testing.SshAudit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's ssh-audit against the real agent, as it runs in direct mode and as it runs with a host
 * certificate: no fail and no warn lines beyond the false positives documented in {@link SshAudit#ALLOWED}.
 * The reports go to target/ssh-audit-agent*.txt; docs/AGENT.md quotes them.
 */
class AgentSshAuditIT {
    @TempDir
    Path dir;

    @Test
    void agentWithoutHostCertificate() throws IOException {
        try (AgentFixture fx = new AgentFixture(dir, Accounts.system())) {
            String report = audit(fx, "ssh-audit-agent.txt");
            assertThat(report).contains("(key) ssh-ed25519 ").doesNotContain("cert-v01");
        }
    }

    @Test
    void agentWithHostCertificate() throws IOException {
        Path data = dir.resolve("data");
        HostKeys.loadOrCreate(data);
        AgentFixture.keygen(dir.resolve("host_ca"));
        ProcessResult sign = Processes.run(AgentFixture.TIMEOUT, List.of("ssh-keygen", "-q", "-s",
                dir.resolve("host_ca").toString(), "-h", "-I", "agent-host", "-n", "127.0.0.1", "-V", "-5m:+1h",
                data.resolve(HostKeys.KEY_FILE + ".pub").toString()));
        assertThat(sign.exitCode()).as(sign.toString()).isZero();
        try (AgentFixture fx = new AgentFixture(dir, b -> b.accounts(Accounts.system())
                .hostCertFile(data.resolve(HostKeys.KEY_FILE + "-cert.pub")))) {
            String report = audit(fx, "ssh-audit-agent-hostcert.txt");
            assertThat(report).contains("(key) ssh-ed25519-cert-v01@openssh.com");
        }
    }

    private static String audit(AgentFixture fx, String reportFile) throws IOException {
        String report = SshAudit.run(fx.agent.port());
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", reportFile), report);
        assertThat(report).contains("(gen) banner: SSH-2.0-Postern\n").contains("(gen) compression: disabled");
        assertThat(SshAudit.problems(report)).as(report).isEmpty();
        assertThat(report).doesNotContain("MINA").doesNotContain("APACHE").doesNotContain("zlib")
                .doesNotContain("hmac-sha1").doesNotContain("nistp").doesNotContain("-cbc");
        // aes128-gcm first, as the crypto policy asks
        assertThat(report.indexOf("(enc) aes128-gcm@openssh.com")).isPositive()
                .isLessThan(report.indexOf("(enc) aes256-gcm@openssh.com"))
                .isLessThan(report.indexOf("(enc) chacha20-poly1305@openssh.com"));
        return report;
    }
}

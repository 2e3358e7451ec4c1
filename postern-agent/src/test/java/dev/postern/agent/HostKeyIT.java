package dev.postern.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.agent.session.Accounts;
import dev.postern.ssh.HostKeys;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's host key as the real OpenSSH client sees it: the same after a restart on the same data dir,
 * and, with a host certificate made by {@code ssh-keygen -s hostca -h}, trusted through one
 * {@code @cert-authority} line with StrictHostKeyChecking=yes.
 */
class HostKeyIT {
    @TempDir
    Path dir;

    @Test
    void hostKeyIsUnchangedAfterARestartOnTheSameDataDir() throws IOException {
        String scanned;
        try (AgentFixture first = new AgentFixture(dir, Accounts.system())) {
            scanned = keyscan(first.agent.port());
        }
        Path key = dir.resolve("data").resolve(HostKeys.KEY_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        try (AgentFixture second = new AgentFixture(dir, Accounts.system())) {
            // known_hosts holds only what the client saw from the first agent, under the new port
            Path knownHosts = Files.writeString(dir.resolve("known_hosts_first"),
                    "[127.0.0.1]:" + second.agent.port() + " " + scanned + "\n");
            ProcessResult r = second.ssh("root", second.cert("root"),
                    List.of("-o", "UserKnownHostsFile=" + knownHosts), "echo ok", null);
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.stdout()).isEqualTo("ok\n");
        }
    }

    @Test
    void aCertAuthorityLineIsEnoughWithAHostCertificate() throws IOException {
        Path hostCa = dir.resolve("host_ca");
        AgentFixture.keygen(hostCa);
        Path data = dir.resolve("data");
        HostKeys.loadOrCreate(data); // the key the agent will use; normally created by its first start
        Path hostPub = data.resolve(HostKeys.KEY_FILE + ".pub");
        ProcessResult sign = Processes.run(AgentFixture.TIMEOUT, List.of("ssh-keygen", "-q", "-s", hostCa.toString(),
                "-h", "-I", "agent-host", "-n", "127.0.0.1", "-V", "-5m:+1h", hostPub.toString()));
        assertThat(sign.exitCode()).as(sign.toString()).isZero();
        Path hostCert = data.resolve(HostKeys.KEY_FILE + "-cert.pub");
        Path caOnly = Files.writeString(dir.resolve("known_hosts_ca"),
                "@cert-authority 127.0.0.1 " + Files.readString(dir.resolve("host_ca.pub")));
        // HostKeyAlias: for a port other than 22 the client looks up "[127.0.0.1]:PORT", which the
        // one-line "@cert-authority 127.0.0.1" pattern does not match; the certificate's principal is checked
        // against the alias, 127.0.0.1, as it would be against the host name on port 22
        List<String> strict = List.of("-o", "UserKnownHostsFile=" + caOnly, "-o", "HostKeyAlias=127.0.0.1");

        try (AgentFixture withCert = new AgentFixture(dir, b -> b.accounts(Accounts.system()).hostCertFile(hostCert))) {
            ProcessResult r = withCert.ssh("root", withCert.cert("root"), strict, "echo ok", null);
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.stdout()).isEqualTo("ok\n");
        }
        try (AgentFixture plain = new AgentFixture(dir, Accounts.system())) {
            ProcessResult r = plain.ssh("root", plain.cert("root"), strict, "echo ok", null);
            assertThat(r.exitCode()).as("without its host certificate the agent is not trusted: %s", r).isEqualTo(255);
            assertThat(r.stderr()).contains("Host key verification failed");
        }
    }

    /** The host key as the client receives it ("ssh-ed25519 AAAA..."), from the real ssh-keyscan. */
    private static String keyscan(int port) {
        ProcessResult r = Processes.run(AgentFixture.TIMEOUT, List.of("ssh-keyscan", "-t", "ed25519", "-p",
                String.valueOf(port), "127.0.0.1"));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        String line = r.stdout().lines().filter(l -> !l.startsWith("#")).findFirst().orElseThrow();
        return line.substring(line.indexOf(' ') + 1);
    }
}

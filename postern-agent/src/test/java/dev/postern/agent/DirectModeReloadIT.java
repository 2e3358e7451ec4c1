package dev.postern.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.agent.session.Accounts;
import dev.postern.ssh.HostKeys;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent reached directly, whose operator renews its host certificate and rotates the user CA by replacing files
 * (cron, as with sshd and smallstep), takes the new files without a restart, and only good ones: the real
 * OpenSSH client, trusting the host CA by one {@code @cert-authority} line, sees the renewed certificate's serial
 * on its next connection; a replacement that is not a host certificate for the agent's key, or that other users
 * may write, leaves the last good one presented and logs why. A rotated user CA refuses the old CA's certificates
 * for new logins and takes the new one's; an empty or writable-by-others CA file changes nothing.
 */
class DirectModeReloadIT {
    private static final Pattern SERIAL = Pattern.compile("Server host certificate: \\S+ \\S+, serial (\\d+)");

    @TempDir
    Path dir;
    Path hostCa;
    Path hostPub;
    Path hostCertFile;
    Path knownHosts;

    @BeforeEach
    void setUp() throws Exception {
        hostCa = dir.resolve("host_ca");
        AgentFixture.keygen(hostCa);
        Path data = dir.resolve("data");
        HostKeys.loadOrCreate(data); // the key the agent will use; normally created by its first start
        hostPub = data.resolve(HostKeys.KEY_FILE + ".pub");
        hostCertFile = data.resolve(HostKeys.KEY_FILE + "-cert.pub");
        knownHosts = Files.writeString(dir.resolve("known_hosts_ca"),
                "@cert-authority 127.0.0.1 " + Files.readString(dir.resolve("host_ca.pub")));
        install(hostCert(hostPub, "1", "-h"), hostCertFile);
    }

    @Test
    void aRenewedHostCertificateIsShownToTheNextConnectionAndABadOneIsNot() throws Exception {
        try (LogCapture log = new LogCapture("dev.postern.ssh.WatchedFile");
             AgentFixture fx = new AgentFixture(dir, b -> b.accounts(Accounts.system()).hostCertFile(hostCertFile))) {
            Path userCert = fx.cert("root");
            assertThat(serialSeen(fx, userCert)).isEqualTo(1);

            install(hostCert(hostPub, "2", "-h"), hostCertFile);
            AgentFixture.await("a new connection is shown serial 2", () -> serialSeen(fx, userCert) == 2);
            assertThat(fx.agent.hostCertificate().orElseThrow().getSerial()).isEqualTo(2);

            Path otherHost = dir.resolve("other_host");
            AgentFixture.keygen(otherHost);
            // each with the fix its warning names
            Object[][] bad = {
                {hostCert(hostPub, "3", "-n", "root"), "ssh-keygen -s CA -h"}, // a user certificate of the agent's key
                {hostCert(dir.resolve("other_host.pub"), "4", "-h"), "sign " + HostKeys.KEY_FILE + ".pub instead"},
                {Files.writeString(dir.resolve("garbage"), "not a certificate\n"), "ssh-keygen -s CA -h"},
            };
            for (Object[] c : bad) {
                Path replacement = (Path) c[0];
                int warnings = log.warnings().size();
                install(replacement, hostCertFile);
                // each connection makes the agent look at the file (at most once a second)
                AgentFixture.await("the agent refuses " + replacement.getFileName(),
                        () -> serialSeen(fx, userCert) == 2 && log.warnings().size() > warnings);
                assertThat(log.warnings().get(warnings)).contains(hostCertFile.toString(), (String) c[1],
                        "keeping the last good host certificate");
            }

            // an attacker who may write the file could present any certificate of the host key's: as at start,
            // such a file is not taken, until its mode is fixed
            int warnings = log.warnings().size();
            install(hostCert(hostPub, "5", "-h"), hostCertFile);
            Files.setPosixFilePermissions(hostCertFile, PosixFilePermissions.fromString("rw-rw-rw-"));
            AgentFixture.await("the agent refuses the file others may write",
                    () -> serialSeen(fx, userCert) == 2 && log.warnings().size() > warnings);
            assertThat(log.warnings().get(warnings)).contains("--host-cert " + hostCertFile,
                    "may be written by other users", "chmod go-w");
            Files.setPosixFilePermissions(hostCertFile, PosixFilePermissions.fromString("rw-r--r--"));
            AgentFixture.await("the fixed file is taken", () -> serialSeen(fx, userCert) == 5);
        }
    }

    @Test
    void aRotatedUserCaRefusesTheOldCasCertificatesForNewLogins() throws Exception {
        try (LogCapture log = new LogCapture("dev.postern.ssh.WatchedFile");
             AgentFixture fx = new AgentFixture(dir, b -> b.accounts(Accounts.system()))) {
            Path caFile = dir.resolve("user_ca.pub");
            Path oldCaCert = fx.cert("root");
            Path newCa = dir.resolve("new_user_ca");
            AgentFixture.keygen(newCa);
            Path newCaCert = fx.cert(newCa, "root");
            assertThat(login(fx, oldCaCert)).isZero();
            assertThat(login(fx, newCaCert)).isEqualTo(255);

            // an empty file, or the new CA in a file others may write: the old CA stays, the new one is not taken
            int warnings = log.warnings().size();
            install(Files.writeString(dir.resolve("empty"), "# rotating\n"), caFile);
            AgentFixture.await("the agent refuses the empty CA file",
                    () -> login(fx, oldCaCert) == 0 && log.warnings().size() > warnings);
            assertThat(log.warnings().get(warnings)).contains(caFile.toString(), "holds no public key");
            int more = log.warnings().size();
            install(dir.resolve("new_user_ca.pub"), caFile);
            Files.setPosixFilePermissions(caFile, PosixFilePermissions.fromString("rw-rw-rw-"));
            AgentFixture.await("the agent refuses the CA file others may write",
                    () -> login(fx, oldCaCert) == 0 && log.warnings().size() > more);
            assertThat(log.warnings().get(more)).contains("--trusted-user-ca " + caFile, "chmod go-w");
            assertThat(login(fx, newCaCert)).isEqualTo(255);

            Files.setPosixFilePermissions(caFile, PosixFilePermissions.fromString("rw-r--r--"));
            AgentFixture.await("the new CA is trusted", () -> login(fx, newCaCert) == 0);
            assertThat(login(fx, oldCaCert)).as("the old CA's certificate, for a new login").isEqualTo(255);
        }
    }

    /** Exit status of {@code ssh root@agent true}, trusting the agent's key. */
    private static int login(AgentFixture fx, Path cert) {
        return fx.ssh("root", cert, List.of(), "true", null).exitCode();
    }

    /** The serial of the host certificate the real ssh client was shown and trusted; fails if it did not log in. */
    private long serialSeen(AgentFixture fx, Path userCert) {
        // HostKeyAlias: for a port other than 22 the client looks up "[127.0.0.1]:PORT", which the one-line
        // "@cert-authority 127.0.0.1" pattern does not match (as in HostKeyIT)
        ProcessResult r = fx.ssh("root", userCert, List.of("-o", "LogLevel=DEBUG1", "-o",
                "UserKnownHostsFile=" + knownHosts, "-o", "HostKeyAlias=127.0.0.1"), "true", null);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        Matcher m = SERIAL.matcher(r.stderr());
        assertThat(m.find()).as(r.stderr()).isTrue();
        return Long.parseLong(m.group(1));
    }

    /** Signs {@code pub} with the host CA (serial {@code serial}, extra ssh-keygen options); returns the cert. */
    private Path hostCert(Path pub, String serial, String... options) throws Exception {
        Path copy = Files.copy(pub, dir.resolve("signed-" + serial + ".pub"));
        List<String> cmd = new java.util.ArrayList<>(List.of("ssh-keygen", "-q", "-s", hostCa.toString(), "-I",
                "agent-" + serial, "-z", serial, "-V", "-5m:+1h"));
        cmd.addAll(List.of(options));
        if (!cmd.contains("-n")) {
            cmd.addAll(List.of("-n", "127.0.0.1"));
        }
        cmd.add(copy.toString());
        ProcessResult r = Processes.run(AgentFixture.TIMEOUT, cmd);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return dir.resolve("signed-" + serial + "-cert.pub");
    }

    /** Replaces {@code target} as cron would: a new file renamed over it. */
    private static void install(Path replacement, Path target) throws Exception {
        Path tmp = Files.copy(replacement, target.resolveSibling(target.getFileName() + ".new"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}

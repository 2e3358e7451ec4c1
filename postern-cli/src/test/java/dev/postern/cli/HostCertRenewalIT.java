package dev.postern.cli;

import static dev.postern.cli.MachineProcesses.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.agent.join.MachineFiles;
import dev.postern.ssh.OpenSshKeys;
import dev.postern.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Short-lived host certificates on one injected clock (server, gateway, agent and CLI): the agent renews through its
 * tunnel before expiry and keeps serving; an agent that was offline past expiry is refused and told to join again.
 */
class HostCertRenewalIT {
    private static final Duration VALIDITY = Duration.ofHours(3);
    @TempDir
    java.nio.file.Path dir;
    private LifecyclePlane plane;
    private InProcessMachine machine;

    @BeforeEach
    void start() {
        // The plane's clock starts one lifetime (and a bit) in the past and the tests move it up to the present:
        // OpenSSH and MINA clients check certificates against the system clock, so a renewed certificate must be
        // valid in both times to be accepted at the end.
        plane = new LifecyclePlane(dir, VALIDITY, new MutableClock(Instant.now().minus(VALIDITY).minus(Duration.ofMinutes(10))));
        machine = plane.machine("m1");
    }

    @AfterEach
    void stop() {
        machine.close();
        plane.close();
    }

    @Test
    void theAgentRenewsBeforeExpiryWithoutARestartAndKeepsServing() throws Exception {
        OpenSshCertificate first = machine.agent().hostCertificate().orElseThrow();
        assertThat(first.getValidBefore() - first.getValidAfter()).as("short-lived: the configured validity")
                .isEqualTo(VALIDITY.plusMinutes(1).toSeconds());
        // a user certificate valid in both times (the CLI uses a held one)
        Plane.ok(plane.admin, "ssh", "issue", "demo", "--dotssh", "--hours", "72");

        plane.clock.advance(VALIDITY.multipliedBy(2).dividedBy(3).plusMinutes(5));
        awaitTrue(Duration.ofSeconds(20), () -> machine.agent().hostCertificate().orElseThrow().getValidBefore()
                > first.getValidBefore(), "renewal at two thirds of the lifetime");
        OpenSshCertificate renewed = machine.agent().hostCertificate().orElseThrow();
        assertThat(renewed.getSerial()).isNotEqualTo(first.getSerial());
        assertThat(renewed.getPrincipals()).containsExactlyInAnyOrderElementsOf(first.getPrincipals());
        assertThat(OpenSshKeys.readCertificate(new MachineFiles(machine.data).hostCertificate()).getValidBefore())
                .as("kept in the data dir for the next start").isEqualTo(renewed.getValidBefore());
        assertThat(machine.agent().tunnelOnline()).as("no restart, no reconnect needed").isTrue();

        // past the first certificate's end (now the real present): connections verify only with the renewed one
        plane.clock.set(Instant.ofEpochSecond(first.getValidBefore()).plusSeconds(300));
        console("after");
        assertThat(audit()).contains("machine.renew");
    }

    @Test
    void anAgentOfflinePastExpiryIsRefusedAndToldToJoinAgain() {
        OpenSshCertificate cert = machine.agent().hostCertificate().orElseThrow();
        machine.stop();
        plane.clock.set(Instant.ofEpochSecond(cert.getValidBefore()).plusSeconds(600));
        machine.start();
        awaitTrue(Duration.ofSeconds(20), () -> machine.agent().gatewayMessage().contains("expired"),
                "the gateway refusing the expired certificate");
        assertThat(machine.agent().gatewayMessage()).contains("join again with a new join token",
                "postern tokens create machine --app demo");
        assertThat(machine.agent().tunnelOnline()).isFalse();
    }

    private void console(String word) {
        CliRunner.Result r = plane.admin.run("ssh", "console", "--app", "demo", "--org", "demo", "--machine",
                machine.id(), "-C", "echo " + word);
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo(word + "\n");
    }

    private String audit() {
        return Plane.ok(plane.admin, "audit", "log", "--org", "demo");
    }
}

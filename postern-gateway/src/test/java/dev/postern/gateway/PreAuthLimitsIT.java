package dev.postern.gateway;

import static dev.postern.gateway.GatewayTunnelIT.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.ssh.OpenSshKeys;
import dev.postern.ssh.PreAuthGuard.Reason;
import dev.postern.ssh.PreAuthLimits;
import dev.postern.ssh.ServerLimits;
import dev.postern.testing.MutableClock;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Limits on connections that have not logged in, played as an attacker would: a run of failed logins from one
 * address, idle connections held open from one address and from many, a connection that never logs in. Each
 * source is its own loopback address (127.0.0.x), so the tests do not share counts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PreAuthLimitsIT {
    @TempDir
    static Path dir;
    final FakeGatewayDirectory directory = new FakeGatewayDirectory();
    final List<Socket> sockets = new ArrayList<>();
    Path userCa;
    Path alice;
    Path aliceCert;
    Path mallory;

    @BeforeAll
    void keys() {
        userCa = Keys.keygen(dir, "acme_user_ca");
        Path hostCa = Keys.keygen(dir, "acme_host_ca");
        directory.addOrg("acme", Keys.publicKey(userCa), Keys.publicKey(hostCa));
        directory.addMember("acme", "alice@example.com");
        alice = Keys.keygen(dir, "alice");
        aliceCert = Keys.sign(userCa, Path.of(alice + ".pub"), "-I", "postern:acme:alice@example.com:7", "-n", "root",
                "-z", "7", "-V", "-5m:+1h");
        mallory = Keys.keygen(dir, "mallory"); // a plain key: every login with it fails
    }

    @AfterEach
    void closeSockets() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        sockets.clear();
    }

    Gateway start(String name, Clock clock, PreAuthLimits preAuth, ServerLimits limits) {
        return Gateway.start(GatewayConfig.of(directory, dir.resolve(name), clock).withPort(0).withPreAuth(preAuth)
                .withLimits(limits));
    }

    @Test
    void aSourceWithTooManyFailedLoginsIsRefusedForAWhile() throws IOException {
        MutableClock clock = MutableClock.atWallTime();
        try (Gateway gw = start("gw-failures", clock, new PreAuthLimits(3, Duration.ofMinutes(1), 64, 1024),
                GatewayConfig.DEFAULT_LIMITS)) {
            Path knownHosts = knownHosts(gw);
            for (int i = 0; i < 3; i++) {
                ProcessResult r = sshFrom("127.0.0.5", gw, knownHosts);
                assertThat(r.stderr()).as(r.toString()).contains("Permission denied");
            }
            // The gateway counts a failure when it has closed the connection, a moment after ssh exits: the next
            // attempt may still be let in and fail, which only adds a failure. Bounded.
            ProcessResult refused = null;
            for (int i = 0; i < 3 && refused == null; i++) {
                ProcessResult r = sshFrom("127.0.0.5", gw, knownHosts);
                if (r.stderr().contains("too many failed logins from 127.0.0.5; try again later")) {
                    refused = r;
                } else {
                    assertThat(r.stderr()).as(r.toString()).contains("Permission denied");
                }
            }
            assertThat(refused).as("a connection refused for its source's failed logins").isNotNull();
            assertThat(refused.exitCode()).isEqualTo(255);
            assertThat(sshFrom("127.0.0.5", gw, knownHosts).stderr()).as("still refused")
                    .contains("too many failed logins from 127.0.0.5");
            assertThat(gw.preAuthRefused(Reason.FAILED_LOGINS)).isGreaterThanOrEqualTo(2);

            ProcessResult other = sshFrom("127.0.0.6", gw, knownHosts);
            assertThat(other.stderr()).as("another source").contains("Permission denied")
                    .doesNotContain("too many");

            clock.advance(Duration.ofSeconds(61));
            ProcessResult later = sshFrom("127.0.0.5", gw, knownHosts);
            assertThat(later.stderr()).as("a minute later").contains("Permission denied").doesNotContain("too many");
        }
    }

    @Test
    void idleConnectionsBeyondThePerSourceAndTotalCapsAreRefused() throws Exception {
        try (Gateway gw = start("gw-caps", Clock.systemUTC(), new PreAuthLimits(20, Duration.ofMinutes(1), 3, 5),
                GatewayConfig.DEFAULT_LIMITS)) {
            for (int i = 0; i < 3; i++) {
                assertThat(identification(connectFrom("127.0.0.7", gw))).startsWith("SSH-2.0-");
            }
            assertThat(untilClosed(connectFrom("127.0.0.7", gw)))
                    .contains("too many connections not logged in from 127.0.0.7 (limit 3)");
            for (int i = 0; i < 2; i++) {
                assertThat(identification(connectFrom("127.0.0.8", gw))).startsWith("SSH-2.0-");
            }
            assertThat(untilClosed(connectFrom("127.0.0.9", gw))).contains("too many connections not logged in (limit 5)");
            assertThat(gw.preAuthRefused(Reason.PER_SOURCE_CAP)).isEqualTo(1);
            assertThat(gw.preAuthRefused(Reason.TOTAL_CAP)).isEqualTo(1);

            // the held connections still count: once they are gone, the source is let in again
            closeSockets();
            awaitTrue("a new connection from 127.0.0.9 is let in", Duration.ofSeconds(10), () -> {
                try {
                    return identificationThenOpen(connectFrom("127.0.0.9", gw));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
    }

    @Test
    void loggedInConnectionsDoNotCountAgainstTheCaps() throws Exception {
        try (Gateway gw = start("gw-logged-in", Clock.systemUTC(), new PreAuthLimits(20, Duration.ofMinutes(1), 2, 2),
                GatewayConfig.DEFAULT_LIMITS)) {
            List<LiveUserSession> sessions = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    sessions.add(LiveUserSession.open(gw.port(), alice, aliceCert,
                            OpenSshKeys.parsePublicKey(gw.hostKeyLine())));
                }
                assertThat(sessions).allMatch(LiveUserSession::isOpen);
                for (int i = 0; i < 2; i++) {
                    assertThat(identification(connectFrom("127.0.0.1", gw))).startsWith("SSH-2.0-");
                }
                assertThat(untilClosed(connectFrom("127.0.0.1", gw)))
                        .contains("too many connections not logged in from 127.0.0.1 (limit 2)");
            } finally {
                sessions.forEach(LiveUserSession::close);
            }
        }
    }

    @Test
    void aConnectionThatDoesNotLogInIsClosedAfterTheAuthTimeout() throws Exception {
        ServerLimits d = GatewayConfig.DEFAULT_LIMITS;
        try (Gateway gw = start("gw-auth-timeout", Clock.systemUTC(), PreAuthLimits.defaults(),
                new ServerLimits(d.maxAuthRequests(), d.maxChannelsPerConnection(), Duration.ofSeconds(2),
                        d.idleTimeout()))) {
            Socket idle = connectFrom("127.0.0.10", gw);
            assertThat(identification(idle)).startsWith("SSH-2.0-");
            String rest = untilClosed(idle);
            assertThat(rest).as("what came before the close").contains("no login within 2 s; connect again");
            awaitTrue("auth timeout counted", Duration.ofSeconds(10), () -> gw.preAuthRefused(Reason.AUTH_TIMEOUT) == 1);
        }
    }

    private Path knownHosts(Gateway gw) throws IOException {
        Path file = Files.createTempFile(dir, "known_hosts", "");
        Files.writeString(file, "[127.0.0.1]:" + gw.port() + " " + gw.hostKeyLine() + "\n");
        return file;
    }

    private ProcessResult sshFrom(String source, Gateway gw, Path knownHosts) {
        return Processes.run(Duration.ofSeconds(30), List.of("ssh", "-F", "none", "-b", source,
                "-p", String.valueOf(gw.port()), "-i", mallory.toString(), "-o", "IdentitiesOnly=yes",
                "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + knownHosts,
                "-o", "GlobalKnownHostsFile=/dev/null", "-o", "ConnectTimeout=10", "anyone@127.0.0.1", "true"));
    }

    private Socket connectFrom(String source, Gateway gw) throws IOException {
        Socket s = new Socket(InetAddress.getByName("127.0.0.1"), gw.port(), InetAddress.getByName(source), 0);
        s.setSoTimeout(20_000);
        sockets.add(s);
        return s;
    }

    /** The server's identification line (RFC 4253 section 4.2), read byte by byte. */
    private static String identification(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder line = new StringBuilder();
        for (int c; line.length() < 255 && (c = in.read()) >= 0 && c != '\n'; ) {
            line.append((char) c);
        }
        return line.toString().strip();
    }

    /** Whether the server sent its identification line and then kept the connection open for a moment. */
    private static boolean identificationThenOpen(Socket s) throws IOException {
        if (!identification(s).startsWith("SSH-2.0-")) {
            return false;
        }
        s.setSoTimeout(500);
        InputStream in = s.getInputStream();
        byte[] buffer = new byte[4096];
        try {
            while (in.read(buffer) >= 0) {
                // the server's KEXINIT; a refusal would be followed by the end of the stream
            }
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        }
    }

    /** Everything the server sends until it closes the connection (bounded by the socket's read timeout). */
    private static String untilClosed(Socket s) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] buffer = new byte[4096];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                all.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // a reset after the disconnect message also ends it
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }
}

package dev.postern.agent;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.postern.agent.session.Accounts;
import dev.postern.ssh.HostKeys;
import dev.postern.ssh.OpenSshKeys;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.EnumSet;
import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.util.io.resource.PathResource;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * What the OpenSSH client cannot drive from a test without a terminal: window-change, exit-signal. Uses
 * MINA's own client with the same ssh-keygen certificate, checking the agent's host key exactly. Also
 * checks the audit lines.
 */
class MinaClientIT {
    @TempDir
    static Path dir;
    static AgentFixture fx;
    static SshClient client;
    static KeyPair identity;

    @BeforeAll
    static void start() throws Exception {
        fx = new AgentFixture(dir, Accounts.system());
        Path cert = fx.cert("root");
        KeyPair plain;
        try (InputStream in = Files.newInputStream(fx.userKey)) {
            plain = SecurityUtils.loadKeyPairIdentities(null, new PathResource(fx.userKey), in, null)
                    .iterator().next();
        }
        identity = new KeyPair(OpenSshKeys.readCertificate(cert), plain.getPrivate());
        PublicKey hostKey = HostKeys.loadOrCreate(dir.resolve("data")).publicKey();
        client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier((session, address, key) -> KeyUtils.compareKeys(hostKey, key));
        client.start();
    }

    @AfterAll
    static void stop() throws Exception {
        client.stop();
        fx.close();
    }

    private ClientSession login() throws Exception {
        ClientSession session = client.connect("root", "127.0.0.1", fx.agent.port())
                .verify(AgentFixture.TIMEOUT).getSession();
        session.addPublicKeyIdentity(identity);
        session.auth().verify(AgentFixture.TIMEOUT);
        return session;
    }

    @Test
    void sttySizeFollowsWindowChange() throws Exception {
        try (ClientSession session = login();
             ChannelExec exec = session.createExecChannel("stty size; read line; stty size")) {
            exec.setUsePty(true);
            exec.setPtyColumns(80);
            exec.setPtyLines(24);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            exec.setOut(out);
            exec.setErr(out);
            exec.open().verify(AgentFixture.TIMEOUT);
            AgentFixture.await("first stty size", () -> text(out).contains("24 80"));
            exec.sendWindowChange(132, 50);
            OutputStream in = exec.getInvertedIn();
            in.write("go\n".getBytes(StandardCharsets.US_ASCII));
            in.flush();
            exec.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), AgentFixture.TIMEOUT);
            assertThat(text(out)).contains("50 132");
            assertThat(exec.getExitStatus()).isZero();
        }
    }

    @Test
    void ctrlCInterruptsTheForegroundCommand() throws Exception {
        try (ClientSession session = login();
             ChannelExec exec = session.createExecChannel("sleep 4244; echo status=$?")) {
            exec.setUsePty(true);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            exec.setOut(out);
            exec.open().verify(AgentFixture.TIMEOUT);
            AgentFixture.await("sleep 4244 runs", () -> !AgentFixture.processesRunning("sleep", "4244").isEmpty());
            exec.getInvertedIn().write(3); // ^C through the terminal's line discipline
            exec.getInvertedIn().flush();
            exec.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), AgentFixture.TIMEOUT);
            // the non-interactive shell is in the foreground group too, so it dies of the SIGINT with sleep
            assertThat(exec.getExitSignal()).as(text(out)).isEqualTo("INT");
            assertThat(text(out)).doesNotContain("status=");
        }
    }

    @Test
    void killedCommandReportsExitSignal() throws Exception {
        try (ClientSession session = login(); ChannelExec exec = session.createExecChannel("kill -TERM $$")) {
            exec.open().verify(AgentFixture.TIMEOUT);
            exec.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), AgentFixture.TIMEOUT);
            assertThat(exec.getExitSignal()).isEqualTo("TERM");
        }
    }

    @Test
    void auditHasOneStartAndOneEndLinePerSession() throws Exception {
        Logger audit = (Logger) LoggerFactory.getLogger("postern.audit");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        audit.addAppender(lines);
        try {
            assertThat(fx.ssh(fx.cert("root"), "echo audited-42 >&2; exit 3").exitCode()).isEqualTo(3);
            AgentFixture.await("audit end line", () -> lines.list.stream()
                    .anyMatch(e -> e.getFormattedMessage().contains("\"session.end\"")));
            List<String> mine = lines.list.stream().map(ILoggingEvent::getFormattedMessage)
                    .filter(l -> l.contains("audited-42")).toList();
            assertThat(mine).hasSize(2);
            assertThat(mine.get(0)).startsWith("{\"event\":\"session.start\",\"keyId\":\"key-")
                    .contains("\"principal\":\"root\"", "\"source\":\"/127.0.0.1:");
            assertThat(mine.get(1)).startsWith("{\"event\":\"session.end\"")
                    .contains("\"exitCode\":3", "\"bytesIn\":0", "\"bytesOut\":11", "\"durationMs\":");
        } finally {
            audit.detachAppender(lines);
        }
    }

    private static String text(ByteArrayOutputStream out) {
        synchronized (out) {
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}

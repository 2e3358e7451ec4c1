package dev.postern.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.ssh.HostKeys;
import dev.postern.ssh.OpenSshKeys;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.util.io.resource.PathResource;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * alice (not root) opens many sessions, each running a command that ignores SIGHUP, and the agent stops: every one
 * of them must be gone once its close returns, within the bound it waits for them, however many there are. (Each
 * session's signals read all of /proc; done once per session, 300 of them kept the I/O thread busy for longer than
 * the stop waits, which then gave up on sessions whose SIGKILL had not even been sent yet.)
 */
class ManySessionsStopIT {
    private static final int SESSIONS = 300;
    private static final int CHANNELS_PER_CONNECTION = 10; // the agent's limit

    @TempDir
    Path dir;

    @Test
    void everySessionOfManyIsGoneWhenTheAgentHasStopped() throws Exception {
        AgentFixture fx = new AgentFixture(dir, b -> b.accounts(TestUsers.withAlice(dir)));
        SshClient client = SshClient.setUpDefaultClient();
        try (LogCapture log = new LogCapture("dev.postern.agent.session")) {
            Path cert = fx.cert("alice");
            KeyPair plain;
            try (InputStream in = Files.newInputStream(fx.userKey)) {
                plain = SecurityUtils.loadKeyPairIdentities(null, new PathResource(fx.userKey), in, null)
                        .iterator().next();
            }
            KeyPair identity = new KeyPair(OpenSshKeys.readCertificate(cert), plain.getPrivate());
            PublicKey hostKey = HostKeys.loadOrCreate(dir.resolve("data")).publicKey();
            client.setServerKeyVerifier((session, address, key) -> KeyUtils.compareKeys(hostKey, key));
            client.start();
            List<ChannelExec> channels = new ArrayList<>();
            ClientSession session = null;
            for (int i = 0; i < SESSIONS; i++) {
                if (i % CHANNELS_PER_CONNECTION == 0) {
                    session = client.connect("alice", "127.0.0.1", fx.agent.port())
                            .verify(AgentFixture.TIMEOUT).getSession();
                    session.addPublicKeyIdentity(identity);
                    session.auth().verify(AgentFixture.TIMEOUT);
                }
                ChannelExec exec = session.createExecChannel("trap '' HUP; exec sleep 4277");
                exec.open().verify(AgentFixture.TIMEOUT);
                channels.add(exec);
            }
            AgentFixture.await(SESSIONS + " commands run",
                    () -> AgentFixture.processesRunning("sleep", "4277").size() == SESSIONS);
            fx.close();
            assertThat(AgentFixture.processesRunning("sleep", "4277")).as("alice's commands once the agent stopped")
                    .isEmpty();
            assertThat(log.warnings()).as("what the stop gave up on").noneMatch(l -> l.contains("stopping"));
        } finally {
            fx.close();
            client.stop();
            for (long pid : AgentFixture.processesRunning("sleep", "4277")) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }
}

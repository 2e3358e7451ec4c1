package dev.postern.gateway;

import static dev.postern.gateway.GatewayTunnelIT.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.ssh.HostKeys;
import dev.postern.ssh.OpenSshKeys;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Gateway#close()} as sshd on SIGTERM: it stops listening before it tells the live connections why they end.
 * A connection taken in meanwhile, such as an agent reconnecting at once as it was just told to, would not be among
 * those told, and the server's stop would then cut it without a reason.
 */
class GatewayShutdownIT {
    @TempDir
    Path dir;

    @Test
    void nothingIsTakenInWhileTheLiveConnectionsAreToldWhyTheyEnd() throws Exception {
        Path userCa = Keys.keygen(dir, "acme_user_ca");
        Path hostCa = Keys.keygen(dir, "acme_host_ca");
        FakeGatewayDirectory directory = new FakeGatewayDirectory();
        directory.addOrg("acme", Keys.publicKey(userCa), Keys.publicKey(hostCa));
        directory.addMachine(new MachineRecord("acme", "web", "m1"));
        Gateway gateway = Gateway.start(GatewayConfig.of(directory, dir.resolve("gateway"), Clock.systemUTC())
                .withPort(0));
        int port = gateway.port();
        Path machineDir = dir.resolve("m1");
        HostKeys.loadOrCreate(machineDir);
        Path cert = Keys.sign(hostCa, Path.of(machineDir.resolve(HostKeys.KEY_FILE) + ".pub"), "-h", "-I", "m1", "-n",
                "m1.vm.web.internal,web.internal", "-V", "-5m:+1h");
        KeyPair m1 = new KeyPair(Keys.certificate(cert),
                HostKeys.loadOrCreate(machineDir, Optional.of(cert)).keyPair().getPrivate());
        CompletableFuture<String> meanwhile = new CompletableFuture<>();
        boolean closed = false;
        try (MachineSession tunnel = MachineSession.login(port, "m1", m1,
                OpenSshKeys.parsePublicKey(gateway.hostKeyLine()))) {
            assertThat(tunnel.forward("m1.vm.web.internal", 22)).isTrue();
            // reported while close() ends m1's tunnel, before it stops the server: connect then
            directory.onReport = e -> {
                if (!e.online()) {
                    meanwhile.complete(connect(port));
                }
            };
            gateway.close();
            closed = true;
            // close() returns once the gateway's side is closed; the machine reads the message after that
            awaitTrue("m1's side of the tunnel closed", Duration.ofSeconds(10), () -> !tunnel.isOpen());
            assertThat(tunnel.disconnectMessage()).as("what the machine was told")
                    .hasValueSatisfying(m -> assertThat(m).contains("the gateway is shutting down"));
        } finally {
            if (!closed) {
                gateway.close();
            }
        }
        assertThat(meanwhile.getNow("m1 was not reported offline")).as("a connection made while the gateway ends its"
                + " connections").isEqualTo("refused");
    }

    /** "refused", or what the gateway said first on a connection it took. */
    private static String connect(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(1000);
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c >= 0 && c != '\n' && line.length() < 200; c = in.read()) {
                line.append((char) c);
            }
            return "taken in: " + line.toString().strip();
        } catch (ConnectException e) {
            return "refused";
        } catch (IOException e) {
            return "taken in, then " + e;
        }
    }
}

package dev.postern.cli.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.postern.testing.Processes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AgentCommandIT {
    @TempDir
    Path dir;

    @Test
    void exitCodeIsTheEntrypoints() {
        Processes.run(Duration.ofSeconds(30), List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                dir.resolve("ca").toString()));
        int code = new CommandLine(new AgentCommand()).execute("--trusted-user-ca", dir.resolve("ca.pub").toString(),
                "--data", dir.resolve("data").toString(), "--listen", "127.0.0.1:0", "--", "sh", "-c", "exit 6");
        assertThat(code).isEqualTo(6);
    }

    @Test
    void badFlagsAreExplained() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new AgentCommand());
        cli.setErr(new PrintWriter(err));
        int code = cli.execute("--trusted-user-ca", dir.resolve("missing.pub").toString(), "--data",
                dir.toString(), "--listen", "127.0.0.1:0");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--trusted-user-ca " + dir.resolve("missing.pub") + " cannot be read");
    }

    @Test
    void listenNeedsAPort() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new AgentCommand());
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("--trusted-user-ca", "x", "--data", dir.toString(), "--listen", "localhost")).isEqualTo(2);
        assertThat(err.toString()).contains("--listen 'localhost' is not ADDR:PORT", "127.0.0.1:22");
    }

    @Test
    void umaskMustBeOctal() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new AgentCommand());
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("--trusted-user-ca", "x", "--data", dir.toString(), "--listen", "127.0.0.1:0",
                "--umask", "0999")).isEqualTo(2);
        assertThat(err.toString()).contains("--umask '0999' is not an octal mode", "022");
    }

    @Test
    void theJoinTokenIsReadFromJoinTokenFileAndNeverPrinted() throws Exception {
        List<String> authorizations = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            exchange.sendResponseHeaders(401, -1);
            exchange.close();
        });
        server.start();
        try {
            Path tokenFile = Files.writeString(dir.resolve("join-token"), "pjt_from-the-file\n");
            StringWriter err = new StringWriter();
            CommandLine cli = new CommandLine(new AgentCommand());
            cli.setErr(new PrintWriter(err));

            int code = cli.execute("--server", "http://127.0.0.1:" + server.getAddress().getPort(),
                    "--join-token-file", tokenFile.toString(), "--data", dir.resolve("data").toString());

            assertThat(code).isEqualTo(2);
            assertThat(authorizations).containsExactly("Bearer pjt_from-the-file");
            assertThat(err.toString()).contains("join refused").doesNotContain("pjt_from-the-file");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void anUnreadableJoinTokenFileIsNamed() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new AgentCommand());
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("--server", "http://127.0.0.1:9", "--join-token-file",
                dir.resolve("missing").toString(), "--data", dir.resolve("data").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--join-token-file " + dir.resolve("missing") + " cannot be read");
    }
}

package dev.postern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.common.api.LoginResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POSTERN_ALLOW_HTTP} and {@code POSTERN_DEBUG}: only {@code 1} and {@code true} turn them on; a value
 * that means "no" ({@code 0}, {@code false}, {@code no}) must never allow plain HTTP to another host. The
 * "other host" is {@code [::ffff:127.0.0.1]}: an address the loopback rule does not count as loopback, which
 * still reaches the fake control plane on this machine (tests stay on loopback).
 */
class AllowHttpIT {
    private static final String TOKEN = "pst_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";

    @TempDir
    Path tmp;
    FakeControlPlane plane;
    CliRunner cli;
    String remote;

    @BeforeEach
    void setUp() {
        plane = new FakeControlPlane();
        plane.answer("POST /v1/auth/login", new LoginResponse("alice@example.com", TOKEN, Instant.now().plusSeconds(3600)));
        plane.answer("POST /v1/join", 401, "{\"error\":\"join token unknown\"}");
        cli = new CliRunner(tmp, Clock.systemUTC());
        remote = "http://[::ffff:127.0.0.1]:" + plane.port();
    }

    @AfterEach
    void tearDown() {
        plane.close();
    }

    @Test
    void aValueThatMeansNoDoesNotAllowPlainHttpToAnotherHost() {
        for (String no : List.of("0", "false", "no", "FALSE", "off")) {
            CliRunner.Result r = cli.env("POSTERN_ALLOW_HTTP", no).run("auth", "login", "--server", remote, "--token",
                    "pst_invite");
            assertThat(r.exit()).as(no + "\n" + r).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).contains("POSTERN_ALLOW_HTTP='" + no + "' is not understood")
                    .contains("POSTERN_ALLOW_HTTP=1 (or true)").contains("plain HTTP to another host");
        }
        CliRunner.Result unset = cli.env("POSTERN_ALLOW_HTTP", null).run("auth", "login", "--server", remote, "--token",
                "pst_invite");
        assertThat(unset.exit()).as(unset.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(unset.err()).contains("Use https://");
        assertThat(plane.requests()).isEmpty();
        assertThat(cli.posternHome().resolve("config.json")).doesNotExist();
    }

    @Test
    void oneOrTrueAllowsIt() {
        for (String yes : List.of("1", "true", "True")) {
            CliRunner.Result r = cli.env("POSTERN_ALLOW_HTTP", yes).run("auth", "login", "--server", remote, "--token",
                    "pst_invite");
            assertThat(r.exit()).as(yes + "\n" + r).isZero();
            assertThat(r.out()).contains("Logged in to " + remote);
        }
        assertThat(plane.requests()).containsExactly("POST /v1/auth/login", "POST /v1/auth/login", "POST /v1/auth/login");
    }

    @Test
    void theAgentReadsTheSameRule() {
        for (String no : List.of("0", "no")) {
            CliRunner.Result r = cli.env("POSTERN_ALLOW_HTTP", no).run("agent", "--server", remote, "--join-token",
                    "pjt_x", "--data", tmp.resolve("agent").toString());
            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).contains("POSTERN_ALLOW_HTTP='" + no + "' is not understood");
        }
        assertThat(plane.requests()).isEmpty();
        CliRunner.Result r = cli.env("POSTERN_ALLOW_HTTP", "1").run("agent", "--server", remote, "--join-token", "pjt_x",
                "--data", tmp.resolve("agent").toString());
        // allowed: it went on to join, and the fake refused the token
        assertThat(r.err()).as(r.toString()).contains("join token unknown");
        assertThat(plane.requests()).containsExactly("POST /v1/join");
    }

    @Test
    void debugIsOnOnlyForOneOrTrue() throws IOException {
        String dead;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = "http://127.0.0.1:" + s.getLocalPort(); // closed again below: nothing listens there
        }
        cli.env("POSTERN_DEBUG", "no");
        CliRunner.Result no = cli.run("auth", "login", "--server", dead, "--token", "pst_x");
        assertThat(no.exit()).as(no.toString()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(no.err()).contains("POSTERN_DEBUG='no' is not understood").doesNotContain("\tat ");
        CliRunner.Result yes = cli.env("POSTERN_DEBUG", "1").run("auth", "login", "--server", dead, "--token", "pst_x");
        assertThat(yes.err()).contains("\tat ").doesNotContain("not understood");
    }
}

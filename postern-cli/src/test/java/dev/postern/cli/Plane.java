package dev.postern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.postern.common.Json;
import dev.postern.common.api.CertificateView;
import dev.postern.server.ControlPlane;
import dev.postern.server.ControlPlaneConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/** Test helpers around an in-process {@link ControlPlane} and the CLI driving it. */
final class Plane {
    private Plane() {
    }

    static ControlPlane start(Path data, Clock clock) {
        return ControlPlane.start(ControlPlaneConfig.local(data, clock));
    }

    /** Runs a command that must succeed; returns its stdout. */
    static String ok(CliRunner cli, String... args) {
        CliRunner.Result r = cli.run(args);
        assertThat(r.exit()).as(String.join(" ", args) + "\n" + r).isZero();
        return r.out();
    }

    /** Logs {@code cli} in with the plane's bootstrap token (first start only). */
    static void loginAdmin(ControlPlane plane, CliRunner cli) {
        ok(cli, "auth", "login", "--server", plane.baseUrl(), "--token", plane.bootstrapToken().orElseThrow());
    }

    /** The certificate log as the CLI prints it with --json. */
    static List<CertificateView> log(CliRunner cli, String org) {
        try {
            return Json.mapper().readValue(ok(cli, "ssh", "log", org, "--json"),
                    new TypeReference<List<CertificateView>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An unauthenticated GET, as a machine's cron job would fetch the CA key or the KRL. */
    static byte[] fetch(ControlPlane plane, String path) {
        try {
            HttpResponse<byte[]> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(plane.baseUrl() + path)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).as("GET " + path).isEqualTo(200);
            return r.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}

package dev.postern.bench;

import dev.postern.common.api.AuthorityView;
import dev.postern.common.api.CreateOrgRequest;
import dev.postern.common.api.EstablishRequest;
import dev.postern.common.api.GatewayView;
import dev.postern.common.api.LoginResponse;
import dev.postern.common.api.OrgView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A {@code postern server} child process with its SSH gateway on a loopback port, as {@code postern server} runs
 * it (JVM defaults, embedded H2, HTTPS with the key it makes in {@code DATA/tls}, which the harness pins): logged
 * in with the bootstrap token, with one org and its CA established. {@link Api#pin()} is the pinned key (empty
 * only for a server started with {@code --insecure-http}, which benchmark 5 runs beside it for comparison).
 *
 * @param child the server JVM (control plane and gateway in one process)
 * @param url its base URL ({@code https://127.0.0.1:PORT}, or {@code http://} with {@code --insecure-http})
 * @param api the API as the bootstrap admin
 * @param email the admin's email (a member of the org)
 * @param org the org created for the run
 * @param ca the org's CA keys
 * @param gatewayPort where the gateway listens on 127.0.0.1
 * @param gatewayHostKey the gateway's host key line, from {@code GET /v1/gateway}
 */
record ControlPlaneProcess(Child child, String url, Api api, String email, String org, AuthorityView ca,
                           int gatewayPort, String gatewayHostKey) {
    private static final Duration START_BOUND = Duration.ofSeconds(60);

    /**
     * Starts {@code java -XX:+UnlockDiagnosticVMOptions -jar postern-cli.jar server --gateway 127.0.0.1:PORT} (HTTPS,
     * the launcher's flags for {@code server}) with its data in
     * {@code work/name}; {@code track} gets the child before anything can fail, so the caller stops it whatever
     * happens.
     */
    static ControlPlaneProcess start(Options options, Path work, String name, String org, Consumer<Child> track)
            throws IOException {
        return start(options, work, name, org, true, track);
    }

    /** {@link #start(Options, Path, String, String, Consumer)}, with {@code tls} false: {@code --insecure-http}. */
    static ControlPlaneProcess start(Options options, Path work, String name, String org, boolean tls,
                                     Consumer<Child> track) throws IOException {
        int httpPort = Rig.freePort();
        int gatewayPort = Rig.freePort();
        Path data = work.resolve(name);
        // --gateway always: the server's default (127.0.0.1:2222) may be taken by another run on the machine
        // the one flag the launcher gives 'server': the gateway's chacha20-poly1305 may then use the JDK's Poly1305
        List<String> cmd = new ArrayList<>(List.of(Rig.java(), "-XX:+UnlockDiagnosticVMOptions"));
        cmd.addAll(Rig.jfr(options, name));
        cmd.addAll(List.of("-jar", options.cliJar().toString(), "server", "--data", data.toString(),
                "--http", "127.0.0.1:" + httpPort, "--gateway", "127.0.0.1:" + gatewayPort));
        if (!tls) {
            cmd.add("--insecure-http");
        }
        Child server = Child.start(name, cmd, work.resolve(name + ".log"),
                Map.of("POSTERN_HOME", work.resolve(name + "-home").toString()));
        track.accept(server);
        server.awaitReady(httpPort, false, START_BOUND);
        // the server writes DATA/tls before it listens; the harness pins that key as an operator would
        Optional<ServerPin> pin = tls ? Optional.of(ServerPin.of(data.resolve("tls/cert.pem"))) : Optional.empty();
        String url = (tls ? "https" : "http") + "://127.0.0.1:" + httpPort;
        String bootstrap = Files.readString(data.resolve("bootstrap-token")).strip();
        Api anonymous = new Api(url, bootstrap, pin);
        LoginResponse login = anonymous.post("/v1/auth/login", null, LoginResponse.class);
        Api api = anonymous.withToken(login.token());
        api.post("/v1/orgs", new CreateOrgRequest(org), OrgView.class);
        AuthorityView ca = api.post("/v1/orgs/" + org + "/ca", new EstablishRequest(false), AuthorityView.class);
        GatewayView gateway = api.get("/v1/gateway", GatewayView.class);
        if (!gateway.address().endsWith(":" + gatewayPort)) {
            throw new IOException(name + " reports its gateway at " + gateway.address() + ", not on port " + gatewayPort
                    + "; see " + server.log());
        }
        return new ControlPlaneProcess(server, url, api, login.email(), org, ca, gatewayPort, gateway.hostKey().strip());
    }

    long pid() {
        return child.pid();
    }
}

package dev.postern.agent.join;

import dev.postern.common.Json;
import dev.postern.common.api.ErrorBody;
import dev.postern.common.api.JoinRequest;
import dev.postern.common.api.JoinResponse;
import java.io.IOException;
import dev.postern.common.tls.ClientTls;
import dev.postern.common.tls.Fingerprint;
import dev.postern.common.tls.HttpClients;
import java.net.ConnectException;
import java.util.Optional;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;

/**
 * Joins a machine to its app: sends the host public key with the one-time join token and stores what the
 * control plane answers (identity, host certificate, user CA keys, revocations) in the data dir.
 */
public final class JoinClient {
    private final HttpClient http;
    private final Optional<Fingerprint> pin;

    /** A client that pins nothing: the system's trusted CAs and hostname verification. */
    public JoinClient() {
        this(Optional.empty());
    }

    /** A client that accepts only the control plane key {@code pin} (and stores the pin at join). */
    public JoinClient(Optional<Fingerprint> pin) {
        this.pin = pin;
        this.http = HttpClients.create(Duration.ofSeconds(5), pin);
    }

    /**
     * Joins and saves; returns the stored identity. Throws {@link JoinException} with the server's reason on
     * refusal (used or expired token, unknown app) and names the URL when the server cannot be reached.
     */
    public MachineIdentity join(String server, String joinToken, String hostPublicKeyLine, String region,
                                MachineFiles files) {
        String base = server.replaceAll("/+$", "");
        JoinResponse r;
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/v1/join")).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + joinToken).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Json.mapper().writeValueAsBytes(
                            new JoinRequest(hostPublicKeyLine, region))))
                    .build();
            HttpResponse<byte[]> resp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            if (resp.statusCode() != 201) {
                String reason;
                try {
                    reason = Json.mapper().readValue(resp.body(), ErrorBody.class).error();
                } catch (IOException e) {
                    reason = "HTTP " + resp.statusCode();
                }
                throw new JoinException("join refused by " + base + ": " + reason);
            }
            r = Json.mapper().readValue(resp.body(), JoinResponse.class);
        } catch (ConnectException e) {
            throw new JoinException("cannot reach the Postern server at " + base + "; is 'postern server' running"
                    + " there?");
        } catch (IOException e) {
            Optional<String> tls = ClientTls.explain(e, base, "postern agent --server " + base
                    + " --fingerprint NEW ...");
            throw new JoinException(tls.map(m -> "join refused: " + m)
                    .orElse("join with " + base + " failed: " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JoinException("interrupted while joining");
        }
        pin.ifPresent(files::savePin);
        MachineFiles.writeText(files.hostCertificate(), r.hostCertificate() + "\n");
        MachineFiles.writeText(files.userCaKeys(), String.join("\n", r.userCaPublicKeys()) + "\n");
        MachineFiles.writeText(files.hostCaKey(), r.hostCaPublicKey() + "\n");
        MachineFiles.write(files.revocations(), Base64.getDecoder().decode(r.krl()));
        MachineIdentity id = new MachineIdentity(base, r.machineId(), r.org(), r.app(), r.name(), r.address(),
                r.gateway(), r.gatewayHostKey());
        // written last: its presence means the machine has joined completely
        files.save(id);
        return id;
    }

    /** A join that did not happen, with the reason to show the operator. */
    public static final class JoinException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public JoinException(String message) {
            super(message);
        }
    }
}

package dev.postern.cli;

import dev.postern.common.Json;
import dev.postern.common.api.JoinRequest;
import dev.postern.common.api.JoinResponse;
import dev.postern.server.ControlPlane;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;

/** Joins a machine the way an agent does (POST /v1/join), for tests that need machines before agents join. */
public final class Joins {
    private Joins() {
    }

    public static JoinResponse join(ControlPlane plane, String token, String region) {
        return join(plane, token, PublicKeyEntry.toString(newHostKey().getPublic()), region);
    }

    public static JoinResponse join(ControlPlane plane, String token, String hostKeyLine, String region) {
        HttpResponse<byte[]> r = post(plane, token, hostKeyLine, region);
        if (r.statusCode() != 201) {
            throw new AssertionError("join answered " + r.statusCode() + ": " + new String(r.body()));
        }
        try {
            return Json.mapper().readValue(r.body(), JoinResponse.class);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static int status(ControlPlane plane, String token, String region) {
        return post(plane, token, PublicKeyEntry.toString(newHostKey().getPublic()), region).statusCode();
    }

    static KeyPair newHostKey() {
        try {
            return KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    private static HttpResponse<byte[]> post(ControlPlane plane, String token, String hostKey, String region) {
        try {
            byte[] body = Json.mapper().writeValueAsBytes(new JoinRequest(hostKey, region));
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(plane.baseUrl() + "/v1/join"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}

package dev.postern.agent.join;

import dev.postern.common.Json;
import dev.postern.common.api.AuthorityView;
import dev.postern.ssh.OpenSshKeys;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches the org's CA public keys from the control plane and replaces the machine's copies when the CA was
 * replaced ({@code postern ssh establish --override}): the agent re-reads {@code user_ca.pub}, so certificates
 * of the new user CA log in and those of the old one no longer, without a restart. The file is replaced, never
 * extended; a malformed answer leaves it alone.
 */
final class CaKeysRefresh {
    private static final Logger LOG = LoggerFactory.getLogger(CaKeysRefresh.class);
    private final URI uri;
    private final MachineFiles files;

    CaKeysRefresh(MachineIdentity id, MachineFiles files) {
        this.uri = URI.create(id.server() + "/v1/orgs/" + id.org() + "/ca");
        this.files = files;
    }

    /** One fetch; throws when the control plane cannot be reached or answers nonsense (the caller logs). */
    void refresh(HttpClient http) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IOException("HTTP " + r.statusCode() + " from " + uri);
        }
        AuthorityView ca = Json.mapper().readValue(r.body(), AuthorityView.class);
        replace(files.userCaKeys(), ca.userCaPublicKey(), "user CA");
        replace(files.hostCaKey(), ca.hostCaPublicKey(), "host CA");
    }

    private void replace(Path file, String line, String what) throws IOException {
        if (line == null || line.isBlank()) {
            throw new IOException(uri + " answered no " + what + " key");
        }
        OpenSshKeys.parsePublicKey(line); // throws on garbage: never write a file the agent cannot read
        String content = line.strip() + "\n";
        if (Files.exists(file) && Files.readString(file, StandardCharsets.UTF_8).equals(content)) {
            return;
        }
        MachineFiles.write(file, content.getBytes(StandardCharsets.UTF_8));
        LOG.warn("the org's {} changed; {} now holds {}", what, file, content.strip());
    }
}

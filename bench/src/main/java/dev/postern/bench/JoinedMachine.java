package dev.postern.bench;

import dev.postern.common.api.CreateAppRequest;
import dev.postern.common.api.CreateJoinTokenRequest;
import dev.postern.common.api.JoinRequest;
import dev.postern.common.api.JoinResponse;
import dev.postern.common.api.JoinTokenView;
import dev.postern.common.api.AppView;
import dev.postern.ssh.OpenSshKeys;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.keyprovider.KeyPairProvider;

/**
 * A machine joined through the API exactly as {@code postern agent --join-token} joins (its own Ed25519 host key,
 * {@code POST /v1/join}), but in the harness JVM, so thousands can be made in seconds for the tunnel load.
 *
 * @param id the machine id (its login name at the gateway)
 * @param name {@code <id>.vm.<app>.internal}, the name it forwards
 * @param hostKey its host key pair
 * @param hostCertificate the HOST certificate the control plane signed for it
 */
record JoinedMachine(String id, String name, KeyPair hostKey, OpenSshCertificate hostCertificate) {
    /** How many machines one join token may admit (the API's limit). */
    static final int USES_PER_TOKEN = 1000;
    private static final int CLIENTS = 4;

    JoinedMachine {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(hostKey, "hostKey");
        Objects.requireNonNull(hostCertificate, "hostCertificate");
    }

    /** The key pair an SSH client logs in with: the certificate as public key, the host key's private key. */
    KeyPair loginIdentity() {
        return new KeyPair(hostCertificate, hostKey.getPrivate());
    }

    /** Creates {@code app} in the plane's org and joins {@code count} machines to it, {@value #CLIENTS} at a time. */
    static List<JoinedMachine> joinMany(ControlPlaneProcess plane, String app, int count, Deadline deadline)
            throws Exception {
        String base = "/v1/orgs/" + plane.org() + "/apps";
        plane.api().post(base, new CreateAppRequest(app), AppView.class);
        List<String> tokens = new ArrayList<>();
        for (int left = count; left > 0; left -= USES_PER_TOKEN) {
            tokens.add(plane.api().post(base + "/" + app + "/join-tokens",
                    new CreateJoinTokenRequest(Math.min(left, USES_PER_TOKEN), 3600), JoinTokenView.class).token());
        }
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<JoinedMachine>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Api withToken = plane.api().withToken(tokens.get(i / USES_PER_TOKEN));
                futures.add(pool.submit(() -> deadline.passed() ? null : join(withToken)));
            }
            List<JoinedMachine> joined = new ArrayList<>();
            for (Future<JoinedMachine> f : futures) {
                JoinedMachine m = f.get(deadline.left().toMillis() + 30_000, TimeUnit.MILLISECONDS);
                if (m == null) {
                    throw new IOException("joined only " + joined.size() + " of " + count + " machines in time");
                }
                joined.add(m);
            }
            return Collections.unmodifiableList(joined);
        } finally {
            pool.shutdownNow();
        }
    }

    private static JoinedMachine join(Api withJoinToken) throws IOException, GeneralSecurityException {
        KeyPair key = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        JoinResponse r = withJoinToken.post("/v1/join", new JoinRequest(OpenSshKeys.toLine(key.getPublic()), "bench"),
                JoinResponse.class);
        return new JoinedMachine(r.machineId(), r.name(), key,
                (OpenSshCertificate) OpenSshKeys.parsePublicKey(r.hostCertificate()));
    }
}

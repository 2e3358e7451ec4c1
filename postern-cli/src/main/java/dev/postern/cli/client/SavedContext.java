package dev.postern.cli.client;

import dev.postern.common.tls.Fingerprint;
import java.util.Objects;
import java.util.Optional;

/**
 * One login kept by the client, like a kubectl context: a name, the server, who logged in, the session token,
 * the org commands use when none is named, and the pin of the server's TLS key.
 *
 * @param org default org for this context ({@code postern orgs use}); null for none
 * @param fingerprint the server's pinned TLS key ({@code sha256:...}, from {@code --fingerprint}); every call
 *     refuses any other key. Null: the system's trusted CAs and hostname verification (or plain HTTP)
 */
public record SavedContext(String name, String server, String email, String token, String org, String fingerprint) {
    public SavedContext {
        name = ContextNames.check(name);
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(token, "token");
        if (fingerprint != null) {
            fingerprint = Fingerprint.parse("fingerprint of context " + name, fingerprint).value();
        }
    }

    /** A context without a pin. */
    public SavedContext(String name, String server, String email, String token, String org) {
        this(name, server, email, token, org, null);
    }

    /** The pin, when there is one. */
    public Optional<Fingerprint> pin() {
        return Optional.ofNullable(fingerprint).map(Fingerprint::new);
    }

    public SavedContext withPin(Fingerprint pin) {
        return new SavedContext(name, server, email, token, org, pin == null ? null : pin.value());
    }

    public ClientConfig login() {
        return new ClientConfig(server, email, token);
    }

    public SavedContext withOrg(String newOrg) {
        return new SavedContext(name, server, email, token, newOrg, fingerprint);
    }

    @Override
    public String toString() {
        return "SavedContext[name=" + name + ", server=" + server + ", email=" + email + ", org=" + org
                + ", fingerprint=" + fingerprint + ", token=<hidden>]";
    }
}

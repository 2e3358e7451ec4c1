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
 * @param shortNames whether {@code postern ssh config} writes this context's names without its label
 *     ({@code <app>.internal}, {@code <id>.vm.<app>.internal}): opt-in with {@code --short-names}, because this
 *     server's app names then become names under {@code .internal} in the person's ssh. False in a file of an
 *     older Postern, which has no such field; not carried over by a login to another server under this name
 */
public record SavedContext(String name, String server, String email, String token, String org, String fingerprint,
                           boolean shortNames) {
    public SavedContext {
        name = ContextNames.check(name);
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(token, "token");
        if (fingerprint != null) {
            fingerprint = Fingerprint.parse("fingerprint of context " + name, fingerprint).value();
        }
    }

    /** A context without short names. */
    public SavedContext(String name, String server, String email, String token, String org, String fingerprint) {
        this(name, server, email, token, org, fingerprint, false);
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
        return new SavedContext(name, server, email, token, org, pin == null ? null : pin.value(), shortNames);
    }

    public ClientConfig login() {
        return new ClientConfig(server, email, token);
    }

    public SavedContext withOrg(String newOrg) {
        return new SavedContext(name, server, email, token, newOrg, fingerprint, shortNames);
    }

    public SavedContext withShortNames(boolean on) {
        return new SavedContext(name, server, email, token, org, fingerprint, on);
    }

    /**
     * Whether {@code other} is a login to another server than this one: another URL, or another pinned TLS key (a
     * pin added, changed or dropped). Files kept for this one (keys, ssh configs, known_hosts, facts) are not its.
     */
    public boolean otherServer(SavedContext other) {
        return !server.equals(other.server()) || !Objects.equals(fingerprint, other.fingerprint());
    }

    @Override
    public String toString() {
        return "SavedContext[name=" + name + ", server=" + server + ", email=" + email + ", org=" + org
                + ", fingerprint=" + fingerprint + ", shortNames=" + shortNames + ", token=<hidden>]";
    }
}

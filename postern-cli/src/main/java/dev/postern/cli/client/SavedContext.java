package dev.postern.cli.client;

import java.util.Objects;

/**
 * One login kept by the client, like a kubectl context: a name, the server, who logged in, the session token,
 * and the org commands use when none is named.
 *
 * @param org default org for this context ({@code postern orgs use}); null for none
 */
public record SavedContext(String name, String server, String email, String token, String org) {
    public SavedContext {
        name = ContextNames.check(name);
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(token, "token");
    }

    public ClientConfig login() {
        return new ClientConfig(server, email, token);
    }

    public SavedContext withOrg(String newOrg) {
        return new SavedContext(name, server, email, token, newOrg);
    }

    @Override
    public String toString() {
        return "SavedContext[name=" + name + ", server=" + server + ", email=" + email + ", org=" + org
                + ", token=<hidden>]";
    }
}

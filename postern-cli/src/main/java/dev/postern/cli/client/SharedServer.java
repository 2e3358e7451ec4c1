package dev.postern.cli.client;

import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.common.ServerUrls;
import dev.postern.common.api.ServerView;
import dev.postern.common.tls.Fingerprint;
import java.util.Optional;

/**
 * How to tell someone else to reach the server: its advertised URL ({@code postern server --advertise}) and
 * the pin of its TLS key, for the login and join lines the CLI prints. The pin is this context's own when it
 * has one (it is what this very connection was checked against), else what the server says it serves.
 *
 * @param url the API URL to print
 * @param pin the fingerprint to print with {@code --fingerprint}; empty when the server serves plain HTTP
 */
public record SharedServer(String url, Optional<Fingerprint> pin) {
    /** Asks the server ({@code GET /v1/server}); a server too old to answer is named by this context's URL. */
    public static SharedServer of(Session session) {
        ServerView view;
        try {
            view = session.api().get("/v1/server", ServerView.class);
        } catch (ApiException e) {
            if (e.status() != 404) {
                throw e;
            }
            view = null;
        }
        String url = session.context().server();
        Optional<Fingerprint> pin = session.context().pin();
        if (view != null) {
            try {
                // printed inside command lines people copy: only a well-formed URL and fingerprint
                url = view.url() == null ? url : ServerUrls.normalize(view.url());
                if (pin.isEmpty() && view.fingerprint() != null) {
                    pin = Optional.of(Fingerprint.parse("fingerprint", view.fingerprint()));
                }
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.FAILURE, "the control plane at " + session.context().server()
                        + " described itself oddly (" + Printable.escape(e.getMessage()) + "); check its version", e);
            }
        }
        return new SharedServer(url, pin);
    }

    /** {@code " --fingerprint sha256:..."}, or nothing without a pin. */
    public String pinFlag() {
        return pin.map(p -> " --fingerprint " + p.value()).orElse("");
    }
}

package dev.postern.cli.auth;

import dev.postern.cli.CliException;
import dev.postern.cli.Output;
import dev.postern.cli.client.ApiClient;
import dev.postern.cli.client.ApiException;
import dev.postern.cli.connect.ContextFiles;
import dev.postern.cli.connect.KeptCertificate;
import dev.postern.common.api.RevokeRequest;
import dev.postern.common.api.RevokeResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code auth logout} revokes the certificates the context kept (8 hours each) before it deletes them: deleting the
 * files alone left any copy of them (a backup, another machine the home directory is synced to, whoever read them)
 * able to log in until they expired. Members may revoke their own certificates, so this needs no admin.
 *
 * @param revoked what was revoked, e.g. {@code "acme serial 12"}
 * @param problems one line per certificate that could not be, saying until when it stays valid and how to revoke it
 */
record KeptRevocation(List<String> revoked, List<String> problems) {
    KeptRevocation {
        revoked = List.copyOf(revoked);
        problems = List.copyOf(problems);
    }

    /** Revokes the unexpired kept certificates of {@code context} through {@code api} (the context's session). */
    static KeptRevocation revoke(ApiClient api, Path posternHome, String context, Instant now) {
        List<String> revoked = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (KeptCertificate c : certificates(posternHome, context, problems)) {
            if (!c.validBefore().isAfter(now)) {
                continue;
            }
            String which = c.org() + " serial " + c.serial();
            try {
                api.post("/v1/orgs/" + ApiClient.segment(c.org()) + "/revocations", new RevokeRequest(c.serial(), null),
                        RevokeResponse.class);
                revoked.add(which);
            } catch (ApiException e) {
                problems.add(unrevoked(c, e.serverError()));
            } catch (CliException e) {
                problems.add(unrevoked(c, e.getMessage()));
            }
        }
        return new KeptRevocation(revoked, problems);
    }

    private static List<KeptCertificate> certificates(Path posternHome, String context, List<String> problems) {
        try {
            return ContextFiles.certificates(posternHome, context);
        } catch (IOException e) {
            problems.add("could not look for the kept certificates under " + posternHome.resolve("ssh") + ": "
                    + e.getMessage());
            return List.of();
        }
    }

    private static String unrevoked(KeptCertificate c, String why) {
        return "the kept certificate of org " + c.org() + " (serial " + c.serial() + ") was not revoked (" + why
                + "); its files are deleted, but a copy stays valid until " + Output.time(c.validBefore())
                + ": an admin of " + c.org() + " can revoke it with 'postern ssh revoke " + c.org() + " --serial "
                + c.serial() + "'";
    }
}

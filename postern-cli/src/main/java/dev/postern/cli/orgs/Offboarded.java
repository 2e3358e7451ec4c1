package dev.postern.cli.orgs;

import dev.postern.cli.Output;
import dev.postern.common.api.JoinTokenSummary;
import dev.postern.common.api.RemoveMemberResponse;
import java.io.PrintStream;

/**
 * What {@code postern members remove} prints: what the server did, then only what is left to do by hand. It
 * never asks the admin to revoke what the removal already revoked.
 */
final class Offboarded {
    private Offboarded() {
    }

    static void print(PrintStream out, String org, RemoveMemberResponse r) {
        out.println("Removed " + Output.safe(r.email()) + " from " + org + ".");
        out.println("  certificates revoked: " + r.certificatesRevoked() + " (in the org's KRL; live SSH sessions"
                + " on them ended)");
        out.println("  pending login tokens deleted: " + r.invitesRevoked());
        out.println(r.otherOrgs()
                ? "  API sessions: kept for their other orgs (or as the server's admin); " + org
                        + " refuses them from now on"
                : "  API sessions ended: " + r.sessionsEnded() + " (this was their last org)");
        out.println("  machine join tokens they created, revoked: " + r.joinTokensRevoked().size());
        for (JoinTokenSummary t : r.joinTokensRevoked()) {
            out.println("    id " + t.id() + "  app " + Output.safe(t.app()) + "  had " + t.usesLeft()
                    + " use(s) left");
        }
        if (!r.joinTokensRevoked().isEmpty()) {
            out.println("Check the machines joined with those tokens ('postern machines list --app APP') and remove"
                    + " any you do not trust ('postern machines remove ID').");
        } else {
            out.println("Nothing else to rotate.");
        }
    }
}

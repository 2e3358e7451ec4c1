package dev.postern.cli;

/**
 * The help text of {@code --org} (and of an ORG parameter), in one place so that it says how the org is really chosen
 * ({@code Session.org} and {@code Session.orgForApp}); annotations need compile-time constants.
 */
public final class OrgHelp {
    /** For commands that act on an org: {@code Session.org}. */
    public static final String ORG = "default: $POSTERN_ORG, else the org of 'postern orgs use', else your only org";

    /** For commands that name an app: {@code Session.orgForApp}. */
    public static final String ORG_OF_APP = "default: $POSTERN_ORG, else the org that has the app (the org of"
            + " 'postern orgs use' when several do), else your only org";

    private OrgHelp() {
    }
}

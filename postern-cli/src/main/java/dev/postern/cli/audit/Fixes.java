package dev.postern.cli.audit;

import java.util.regex.Pattern;

/** The fix texts findings share, with the app's name filled in when fly.toml gives a plausible one. */
final class Fixes {
    private static final Pattern APP_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private Fixes() {
    }

    /** The app name for a command line, or {@code APP} when the file gives none or an odd one. */
    static String app(String name) {
        return name != null && APP_NAME.matcher(name).matches() ? name : "APP";
    }

    /** How to keep a run-time value out of the config: a secret set on the platform. */
    static String runtimeSecret(String app, String name) {
        String shown = Secrets.shortName(name);
        return "set it as a secret instead: postern secrets set --app " + app + " " + shown
                + "=... (or: fly secrets set " + shown + "=... --app " + app + "); rotate the value, it has been in "
                + "the file";
    }

    /** How to give a build a secret without writing it into the image or its history. */
    static String buildSecret(String app, String name) {
        String shown = Secrets.shortName(name);
        return "pass it as a build secret: RUN --mount=type=secret,id=" + shown + " ... with fly deploy --build-secret "
                + shown + "=... (docker build --secret id=" + shown + "); for run time: postern secrets set "
                + "--app " + app + " " + shown + "=...; rotate the value";
    }
}

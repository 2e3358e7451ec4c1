package dev.postern.cli.ssh;

import java.util.List;

/**
 * Configs as Postern wrote them before short names were opt-in, made from one written today with them on: the
 * paragraph of the names without the login context under its old first line, with {@code <app>.<org>.internal}
 * (Docker's {@code host.docker.internal} for an org docker with an app host) and the machines' own names.
 */
public final class OldConfigs {
    private OldConfigs() {
    }

    /**
     * @param now a config of {@code app} in {@code org} written with the short names on and nothing competing
     * @param machines the machine ids it names
     */
    public static String of(String now, String org, String app, List<String> machines) {
        int at = now.indexOf(SshConfigText.withoutContextMarker(app));
        int end = now.indexOf("\n\n", at) + 1;
        String last = now.substring(now.indexOf(SshConfigText.shortNamesMarker(app)));
        String jumpAndCommon = last.substring(last.indexOf("  ProxyJump "));
        String ids = machines.isEmpty() ? "" : "Host " + String.join(" ", machines.stream()
                .map(m -> m + ".vm." + app + ".internal").toList()) + "\n" + jumpAndCommon;
        return now.substring(0, at) + SshConfigText.oldWithoutContextMarker(app) + "Host " + app + "." + org
                + ".internal\n  HostName " + app + ".internal\n" + jumpAndCommon + ids + now.substring(end);
    }
}

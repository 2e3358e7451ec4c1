package dev.postern.gateway;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The internal DNS names: {@code <id>.vm.<app>.internal} for one machine, {@code <app>.internal} for any. */
final class Names {
    static final int SSH_PORT = 22;
    private static final String LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
    private static final Pattern LABEL_ONLY = Pattern.compile(LABEL);
    private static final Pattern MACHINE = Pattern.compile("(" + LABEL + ")\\.vm\\.(" + LABEL + ")\\.internal\\.?");
    private static final Pattern APP = Pattern.compile("(" + LABEL + ")\\.internal\\.?");

    private Names() {
    }

    /** Where a person asked to go: one machine ({@code machineId} present) or any machine of {@code app}. */
    record Target(String app, Optional<String> machineId) {
    }

    static boolean isLabel(String s) {
        return LABEL_ONLY.matcher(s).matches();
    }

    static String machineHost(String id, String app) {
        return id + ".vm." + app + ".internal";
    }

    static Optional<Target> parse(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        Matcher m = MACHINE.matcher(h);
        if (m.matches()) {
            return Optional.of(new Target(m.group(2), Optional.of(m.group(1))));
        }
        m = APP.matcher(h);
        if (m.matches()) {
            return Optional.of(new Target(m.group(1), Optional.empty()));
        }
        return Optional.empty();
    }
}

package dev.postern.cli.ssh;

import dev.postern.cli.client.SavedContext;
import dev.postern.cli.client.SavedContexts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Keeps the short names ({@code <app>.internal}, {@code <id>.vm.<app>.internal}: names without a login context's
 * label) out of the ssh configs of every context that has not opted in to them with {@code postern ssh config
 * --short-names}, and {@code <app>.<org>.internal} out of every config, as older Postern wrote them for any context.
 * The server chooses its org and app names, and {@code .internal} is not Postern's alone: a server with an org
 * {@code docker} and an app {@code host} claimed {@code host.docker.internal}, and with the Include at the top of
 * {@code ~/.ssh/config} its block came first. Configs of Postern before round 7, whose every name is without a
 * context, are removed. Run by {@code ssh config} before it writes (before it asks the server anything), and by
 * {@code auth login}.
 *
 * <pre>{@code ShortNames.sweep(home, new ConfigFile(home).read()).done().forEach(out::println);}</pre>
 */
public final class ShortNames {
    private ShortNames() {
    }

    /** What a sweep did, one line per config, and what it could not do. */
    public record Result(List<String> done, List<String> problems) {
        public Result {
            done = List.copyOf(done);
            problems = List.copyOf(problems);
        }
    }

    /** Sweeps the configs under {@code posternHome/ssh} against the contexts' settings in {@code contexts}. */
    public static Result sweep(Path posternHome, SavedContexts contexts) {
        Path dir = posternHome.resolve("ssh").toAbsolutePath().normalize();
        List<String> done = new ArrayList<>();
        try {
            for (SshConfigFiles.Swept s : SshConfigFiles.sweep(dir, c -> on(contexts, c))) {
                SshConfigText.Header h = s.header();
                done.add("Took " + String.join(", ", s.taken()) + " out of " + s.file() + ": " + (on(contexts,
                        h.context()) ? "an older postern wrote " + h.app() + "." + h.org() + ".internal, no longer"
                        + " written without the login context; write it again for <id>.vm." + h.app() + ".internal"
                        : "short names are off for login context " + h.context() + " (for a server you trust, 'postern"
                        + " ssh config --app " + h.app() + " --org " + h.org() + " --context " + h.context()
                        + " --short-names' turns them on)") + ".");
            }
            removeOld(dir, done);
            return new Result(done, List.of());
        } catch (IOException e) {
            return new Result(done, List.of("cannot take the short names out of the configs in " + dir + " ("
                    + e.getMessage() + "): one may still claim names under .internal for a login context that did not"
                    + " opt in; remove it, or its Include line in ~/.ssh/config"));
        }
    }

    /**
     * Removes the configs (and their known_hosts) of Postern before round 7, named by org and app only: every name in
     * them is without a login context, {@code <app>.<org>.internal} too, for whichever server wrote them last (an org
     * {@code docker} with an app {@code host} claimed {@code host.docker.internal}). No context opted in to those.
     */
    private static void removeOld(Path dir, List<String> done) throws IOException {
        for (Path old : SshConfigFiles.legacy(dir)) {
            Optional<SshConfigText.Header> h = SshConfigFiles.header(old);
            Files.deleteIfExists(old);
            done.add(h.map(c -> "Removed " + old + ", written by an older postern under names without a login context"
                    + " (" + c.app() + "." + c.org() + ".internal, " + c.app() + ".internal, for whichever server wrote"
                    + " it): remove its Include line from ~/.ssh/config, and write it again with 'postern ssh config"
                    + " --app " + c.app() + " --org " + c.org() + " --write' (with --context NAME for another login),"
                    + " which prints the line to include.")
                    .orElse("Removed " + old + ", the known_hosts of an older postern's configs."));
        }
    }

    private static boolean on(SavedContexts contexts, String context) {
        return contexts.find(context).map(SavedContext::shortNames).orElse(false);
    }
}

package dev.postern.cli.ssh;

import dev.postern.cli.client.PrivateFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The configs {@code postern ssh config --write} keeps in {@code $POSTERN_HOME/ssh}, one per login context, org and
 * app ({@code <context>_<org>_<app>.conf}, {@link dev.postern.cli.connect.ContextFiles#sshConfig}), and how they
 * share the host names without a context. Configs are told apart by their first line, which names all three: only
 * regular files of this user's, in a directory others cannot write, whose first line is a Postern header, are read,
 * rewritten or removed.
 *
 * <p>The rule, so that ssh (first match wins, across every Include) never takes one config's gateway, key and
 * known_hosts for another's machines: the short names, without the context, are only in configs of a context that
 * opted in to them ({@link dev.postern.cli.client.SavedContext#shortNames}; {@link #sweep} takes them out of the
 * others'); there, {@code <id>.vm.<app>.internal} only while no config of another context has an app of that name
 * (machine ids are unique within one server only), {@code <app>.internal} and {@code *.vm.<app>.internal} only while
 * no other config at all has one. Writing a config takes the names it competes for out of the others too
 * ({@link #demote}). The names with the context are in every config and unique by construction
 * ({@link SshConfigText}).
 */
final class SshConfigFiles {
    private SshConfigFiles() {
    }

    /** A config of another context or org, with what its first line names. */
    record Claim(Path file, SshConfigText.Header header) {
    }

    /** The configs of other orgs' or contexts' apps named {@code app}, sorted; those before round 7 are not among them. */
    static List<Claim> others(Path dir, String context, String org, String app) throws IOException {
        List<Claim> found = new ArrayList<>();
        for (Path f : confs(dir)) {
            header(f).filter(h -> h.context() != null && h.app().equals(app)
                    && !(h.org().equals(org) && h.context().equals(context))).ifPresent(h -> found.add(new Claim(f, h)));
        }
        return found;
    }

    /**
     * Files of Postern before round 7, named by org and app only, sorted: configs ({@code <org>-<app>.conf},
     * {@code <org>.<app>.conf}) whose names and gateway alias ({@code postern-gateway-<org>}) any context could
     * claim, and their {@code known_hosts_<org>}, shared by every context with an org of that name.
     */
    static List<Path> legacy(Path dir) throws IOException {
        List<Path> found = new ArrayList<>();
        for (Path f : confs(dir)) {
            header(f).filter(h -> h.context() == null).ifPresent(h -> found.add(f));
        }
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "known_hosts_*")) {
                for (Path f : files) {
                    if (f.getFileName().toString().matches("known_hosts_[a-z0-9-]+")
                            && firstLine(f).filter(SshConfigText::oldKnownHostsHeader).isPresent()) {
                        found.add(f);
                    }
                }
            }
        }
        found.sort(null);
        return found;
    }

    /**
     * Takes the names a config of {@code writer}'s context competes for out of another config of the same app name:
     * the short names, and when it is another context's also the machines' own names. Returns what it took
     * out (empty: nothing was there to take).
     */
    static List<String> demote(Claim other, String writerContext) throws IOException {
        SshConfigText.Header h = header(other.file()).orElse(null);
        if (h == null || h.context() == null) {
            return List.of();
        }
        String label = dev.postern.cli.connect.ContextFiles.label(h.context());
        String text = Files.readString(other.file(), StandardCharsets.UTF_8);
        List<String> taken = new ArrayList<>();
        Optional<String> without = replace(text, SshConfigText.shortNamesMarker(h.app()),
                SshConfigText.shortNamesLeftOut(h.app(), h.org(), label));
        if (without.isPresent()) {
            text = without.get();
            taken.add(h.app() + ".internal");
            taken.add("*.vm." + h.app() + ".internal");
        }
        if (!h.context().equals(writerContext)) {
            // a config of an older Postern, not swept yet, holds <app>.<org>.internal there too
            for (String marker : List.of(SshConfigText.oldWithoutContextMarker(h.app()),
                    SshConfigText.withoutContextMarker(h.app()))) {
                without = replace(text, marker, SshConfigText.withoutContextLeftOut(h.app(), h.org(), label));
                if (without.isPresent()) {
                    text = without.get();
                    if (marker.equals(SshConfigText.oldWithoutContextMarker(h.app()))) {
                        taken.add(h.app() + "." + h.org() + ".internal");
                    }
                    taken.add("<id>.vm." + h.app() + ".internal");
                }
            }
        }
        if (!taken.isEmpty()) {
            PrivateFiles.replace(other.file(), text.getBytes(StandardCharsets.UTF_8), PrivateFiles.PUBLIC);
        }
        return taken;
    }

    /** A config {@link #sweep} took names out of, and which. */
    record Swept(Path file, SshConfigText.Header header, List<String> taken) {
    }

    /**
     * Takes the names without the login context out of every config of a context for which {@code shortNamesOn}
     * is false (opted out, never opted in, or no longer a context at all), and {@code <app>.<org>.internal} out of
     * every config an older Postern wrote with it, whatever its context chose: configs written before short names
     * were opt-in held both for any context, so a server with an org {@code docker} and an app {@code host}
     * claimed {@code host.docker.internal}. Only removes: an opted-in context's names come back when its config is
     * written again. Returns what it took out of which config.
     *
     * @throws IOException naming the config that could not be read or rewritten
     */
    static List<Swept> sweep(Path dir, Predicate<String> shortNamesOn) throws IOException {
        List<Swept> swept = new ArrayList<>();
        for (Path f : confs(dir)) {
            Optional<SshConfigText.Header> header = header(f);
            if (header.isEmpty() || header.get().context() == null) {
                continue; // not ours, or of Postern before round 7: ShortNames removes those whole
            }
            SshConfigText.Header h = header.get();
            String text = Files.readString(f, StandardCharsets.UTF_8);
            List<String> taken = new ArrayList<>();
            String note = shortNamesOn.test(h.context()) ? SshConfigText.oldNamesLeftOut(h.app(), h.org(), h.context())
                    : SshConfigText.shortNamesOff(h.app(), h.org(), h.context());
            List<String> markers = shortNamesOn.test(h.context())
                    ? List.of(SshConfigText.oldWithoutContextMarker(h.app()))
                    : List.of(SshConfigText.oldWithoutContextMarker(h.app()),
                            SshConfigText.withoutContextMarker(h.app()), SshConfigText.shortNamesMarker(h.app()));
            for (String marker : markers) {
                Optional<String> without = replace(text, marker, taken.isEmpty() ? note : "");
                if (without.isPresent()) {
                    text = without.get();
                    taken.addAll(names(h, marker));
                }
            }
            if (!taken.isEmpty()) {
                text = text.replaceAll("\n{3,}", "\n\n").replaceAll("\n+$", "\n");
                PrivateFiles.replace(f, text.getBytes(StandardCharsets.UTF_8), PrivateFiles.PUBLIC);
                swept.add(new Swept(f, h, List.copyOf(taken)));
            }
        }
        return swept;
    }

    /** The names the paragraph that starts with {@code marker} holds. */
    private static List<String> names(SshConfigText.Header h, String marker) {
        if (marker.equals(SshConfigText.shortNamesMarker(h.app()))) {
            return List.of(h.app() + ".internal", "*.vm." + h.app() + ".internal");
        }
        if (marker.equals(SshConfigText.oldWithoutContextMarker(h.app()))) {
            return List.of(h.app() + "." + h.org() + ".internal", "<id>.vm." + h.app() + ".internal");
        }
        return List.of("<id>.vm." + h.app() + ".internal");
    }

    /** {@code text} with the paragraph that starts with the line {@code marker} replaced by {@code note}. */
    private static Optional<String> replace(String text, String marker, String note) {
        int at = text.indexOf("\n" + marker) + 1;
        if (at <= 0) {
            return Optional.empty();
        }
        int end = text.indexOf("\n\n", at);
        return Optional.of(text.substring(0, at) + note + (end < 0 ? "" : text.substring(end + 1)));
    }

    /** What a config this command wrote names in its first line; empty for anything else (or a link, or someone else's). */
    static Optional<SshConfigText.Header> header(Path file) {
        return firstLine(file).flatMap(SshConfigText::header);
    }

    private static List<Path> confs(Path dir) throws IOException {
        List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return found;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.conf")) {
            files.forEach(found::add);
        }
        found.sort(null);
        return found;
    }

    private static Optional<String> firstLine(Path file) {
        if (PrivateFiles.untrusted(file, false).isPresent()) {
            return Optional.empty();
        }
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(file,
                LinkOption.NOFOLLOW_LINKS), StandardCharsets.UTF_8))) {
            char[] first = new char[512];
            int n = in.read(first);
            return Optional.of(n <= 0 ? "" : new String(first, 0, n).lines().findFirst().orElse(""));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}

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

/**
 * The configs {@code postern ssh config --write} keeps in {@code $POSTERN_HOME/ssh}, one per login context, org and
 * app ({@code <context>_<org>_<app>.conf}, {@link dev.postern.cli.connect.ContextFiles#sshConfig}), and how they
 * share the host names without a context. Configs are told apart by their first line, which names all three: only
 * regular files of this user's, in a directory others cannot write, whose first line is a Postern header, are read,
 * rewritten or removed.
 *
 * <p>The rule, so that ssh (first match wins, across every Include) never takes one config's gateway, key and
 * known_hosts for another's machines: {@code <app>.<org>.internal} and {@code <id>.vm.<app>.internal} are in a config
 * only while no config of another context has an app of that name (machine ids are unique within one server only);
 * {@code <app>.internal} and {@code *.vm.<app>.internal} only while no other config at all has one. Writing a config
 * takes the names it competes for out of the others too ({@link #demote}). The names with the context are in every
 * config and unique by construction ({@link SshConfigText}).
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
     * the short names, and when it is another context's also the names without the context. Returns what it took
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
            without = replace(text, SshConfigText.withoutContextMarker(h.app()),
                    SshConfigText.withoutContextLeftOut(h.app(), h.org(), label));
            if (without.isPresent()) {
                text = without.get();
                taken.add(h.app() + "." + h.org() + ".internal");
                taken.add("<id>.vm." + h.app() + ".internal");
            }
        }
        if (!taken.isEmpty()) {
            PrivateFiles.replace(other.file(), text.getBytes(StandardCharsets.UTF_8), PrivateFiles.PUBLIC);
        }
        return taken;
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

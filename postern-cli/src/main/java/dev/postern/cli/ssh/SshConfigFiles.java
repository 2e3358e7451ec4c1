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
 * The configs {@code postern ssh config --write} keeps in {@code $POSTERN_HOME/ssh}, one per org and app, told apart by
 * their first line (which names both), not by their file names: {@code <org>-<app>.conf} is the name, except when
 * another org and app have taken it ({@code a-b} and {@code c}, {@code a} and {@code b-c}), then
 * {@code <org>.<app>.conf} (org and app names hold no '.').
 */
final class SshConfigFiles {
    private SshConfigFiles() {
    }

    /** Where the config of {@code org} and {@code app} goes. */
    static Path target(Path dir, String org, String app) {
        Path usual = dir.resolve(org + "-" + app + ".conf");
        Optional<String[]> holds = header(usual);
        boolean taken = holds.isPresent() && !(holds.get()[0].equals(app) && holds.get()[1].equals(org));
        return taken ? dir.resolve(org + "." + app + ".conf") : usual;
    }

    /** The configs of other orgs' apps named {@code app}, sorted. */
    static List<Path> otherOrgs(Path dir, String org, String app) throws IOException {
        List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return found;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.conf")) {
            for (Path f : files) {
                header(f).filter(h -> h[0].equals(app) && !h[1].equals(org)).ifPresent(h -> found.add(f));
            }
        }
        found.sort(null);
        return found;
    }

    /**
     * Takes the short names' block (the last one, see {@link SshConfigText#config(List, boolean)}) out of another
     * org's config of the same app name; true when there was one.
     */
    static boolean demote(Path file) throws IOException {
        Optional<String[]> h = header(file);
        if (h.isEmpty()) {
            return false;
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int at = text.indexOf("\n" + SshConfigText.shortNamesLine(h.get()[0]));
        if (at < 0) {
            return false;
        }
        PrivateFiles.replace(file, (text.substring(0, at + 1) + SshConfigText.shortNamesLeftOut(h.get()[0], h.get()[1]))
                .getBytes(StandardCharsets.UTF_8), PrivateFiles.PUBLIC);
        return true;
    }

    /** {@code [app, org]} of a config this command wrote; empty for anything else (or a link, or someone else's). */
    static Optional<String[]> header(Path file) {
        if (PrivateFiles.untrusted(file, false).isPresent()) {
            return Optional.empty();
        }
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(file,
                LinkOption.NOFOLLOW_LINKS), StandardCharsets.UTF_8))) {
            char[] first = new char[512];
            int n = in.read(first);
            String line = n <= 0 ? "" : new String(first, 0, n).lines().findFirst().orElse("");
            return SshConfigText.header(line);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}

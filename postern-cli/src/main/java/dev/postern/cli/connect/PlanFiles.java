package dev.postern.cli.connect;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The launcher's OpenSSH plans ({@code dev.postern.cli.ssh.OpenSshPlan}) as files of a login context: where they are,
 * {@code $POSTERN_HOME/ssh/console}, and whose each one is, so that {@code auth logout} and a stopping
 * {@code postern demo} delete their context's plans ({@link ContextFiles#of}) and never another context's.
 *
 * <p>A plan {@code plan,c=<context>,o=<org>,a=<app>,m=<machine>,u=<user>} comes with {@code .conf} and
 * {@code .known_hosts}, and, for a moment while the launcher rewrites it, {@code .<pid>.new}. Its name holds the
 * context only when {@code --context} or POSTERN_CONTEXT chose it ({@code c=} is empty for the current context), so
 * the plan says whose it is in a line of its own ({@link #contextLine}). A plan written before that line existed, or
 * a config whose plan the launcher deleted after a failure, is known by the config's first line, which names its
 * login context too ({@code # Postern: machines of app A in org O, login context C (written ...}).
 */
public final class PlanFiles {
    private static final String SELECTORS = "plan,c=([a-z0-9._-]*),o=[a-z0-9._-]*,a=[a-z0-9._-]+,m=[a-z0-9._-]*,u=";
    /** A plan's name (a user starts with a letter or digit, as OpenSshPlan's selectors do). */
    private static final Pattern PLAN = Pattern.compile(SELECTORS + "(?:[a-z0-9][a-z0-9._-]*)?");
    /** A plan's name with its companion's suffix, if any; the reluctant user leaves a suffix to the suffix. */
    private static final Pattern NAME = Pattern.compile("(" + SELECTORS + "(?:[a-z0-9][a-z0-9._-]*?)?)"
            + "(\\.conf|\\.known_hosts|\\.[0-9]+\\.new)?");
    private static final Pattern CONFIG_HEADER = Pattern.compile("# Postern: .*, login context (\\S+) \\(written .*");
    /** A plan's first line (and its format's version). */
    public static final String FIRST_LINE = "postern-console-plan 1";
    private static final String CONTEXT = "context ";
    /** Plans and configs are a few hundred bytes; what they say of their context is in the first lines. */
    private static final int MAX_READ = 4096;

    private PlanFiles() {
    }

    /** {@code $POSTERN_HOME/ssh/console}, absolute: the directory of every plan. */
    public static Path dir(Path posternHome) {
        return posternHome.toAbsolutePath().resolve("ssh").resolve("console");
    }

    /** The plan's line naming the login context it was written for (the launcher skips lines it does not know). */
    public static String contextLine(String context) {
        return CONTEXT + context + "\n";
    }

    /**
     * Every plan of {@code context} and its companions (also a config left without its plan), those that exist. A
     * plan whose context cannot be told is nobody's: it is left alone. Links are listed, never followed.
     */
    static List<Path> of(Path posternHome, String context) throws IOException {
        Path dir = dir(posternHome);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        Map<String, List<Path>> plans = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                Matcher m = NAME.matcher(name);
                if (m.matches()) {
                    // the plan of a user named like a companion (-u bob.conf) is told by its first line
                    String plan = m.group(3) != null && PLAN.matcher(name).matches() && isPlan(firstLines(f)) ? name
                            : m.group(1);
                    plans.computeIfAbsent(plan, k -> new ArrayList<>()).add(f);
                }
            }
        }
        List<Path> found = new ArrayList<>();
        plans.forEach((plan, files) -> {
            if (whose(dir, plan).filter(context::equals).isPresent()) {
                found.addAll(files);
            }
        });
        return found;
    }

    /** The context of plan {@code name}: its context line, else its name's {@code c=}, else its config's header. */
    private static Optional<String> whose(Path dir, String name) {
        List<String> plan = firstLines(dir.resolve(name));
        if (isPlan(plan)) {
            for (String line : plan) {
                if (line.startsWith(CONTEXT) && line.length() > CONTEXT.length()) {
                    return Optional.of(line.substring(CONTEXT.length()));
                }
            }
        }
        Matcher selector = NAME.matcher(name);
        if (selector.matches() && !selector.group(2).isEmpty()) {
            return Optional.of(selector.group(2)); // --context or POSTERN_CONTEXT chose it
        }
        List<String> config = firstLines(dir.resolve(name + ".conf"));
        Matcher header = CONFIG_HEADER.matcher(config.isEmpty() ? "" : config.get(0));
        return header.matches() ? Optional.of(header.group(1)) : Optional.empty();
    }

    private static boolean isPlan(List<String> lines) {
        return !lines.isEmpty() && lines.get(0).equals(FIRST_LINE);
    }

    /** The lines of the first {@link #MAX_READ} bytes of a regular file (never through a link); none otherwise. */
    private static List<String> firstLines(Path file) {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            return new String(in.readNBytes(MAX_READ), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            return List.of(); // unreadable: whose it is cannot be told, and it stays
        }
    }
}

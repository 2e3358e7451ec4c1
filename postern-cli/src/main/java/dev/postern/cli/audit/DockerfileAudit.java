package dev.postern.cli.audit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Dockerfile rules of {@code postern audit config} (docs/AUDIT.md): secrets in ENV and ARG, base images
 * not pinned, ADD from a URL, a final stage that runs as root, an SSH server in the image.
 *
 * <p>"Final stage" means the last stage and the earlier stages it is built FROM ({@code FROM base AS final}
 * inherits base's USER and packages): only those end up in the image.
 */
final class DockerfileAudit {
    private static final Pattern VARIABLE = Pattern.compile(
            "\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*+))?}|\\$([A-Za-z_][A-Za-z0-9_]*)");
    private static final Set<String> PACKAGE_MANAGERS = Set.of("apt-get", "apt", "aptitude", "yum", "dnf",
            "microdnf", "zypper", "apk");
    private static final Set<String> INSTALL_VERBS = Set.of("install", "add", "in");
    private static final Pattern SSH_PACKAGE = Pattern.compile("openssh-server([=:~<>].*)?");
    private static final Pattern APK_SSH_PACKAGE = Pattern.compile("openssh([=~<>].*)?");
    private static final Pattern SHELL_SEPARATOR = Pattern.compile("&&|\\|\\||;|\\|");
    private static final Pattern LISTEN_ANY = Pattern.compile("ListenAddress\\s+(0\\.0\\.0\\.0|::)(?![0-9A-Fa-f.:])");

    private final Dockerfile dockerfile;
    private final String file;
    private final String app;
    private final List<Finding> findings = new ArrayList<>();

    private DockerfileAudit(Dockerfile dockerfile, String file, String app) {
        this.dockerfile = dockerfile;
        this.file = file;
        this.app = Fixes.app(app);
    }

    /**
     * The findings for {@code dockerfile}; {@code file} as the person named it, {@code app} the app's name for
     * fix commands (from fly.toml; null when unknown).
     */
    static List<Finding> audit(Dockerfile dockerfile, String file, String app) {
        DockerfileAudit audit = new DockerfileAudit(dockerfile, file, app);
        for (DockerInstruction i : dockerfile.instructions()) {
            if (i.keyword().equals("ENV") || i.keyword().equals("ARG")) {
                audit.variables(i);
            } else if (i.keyword().equals("ADD")) {
                audit.addFromUrl(i);
            }
        }
        audit.baseImages();
        List<DockerStage> chain = audit.finalChain();
        audit.user(chain);
        audit.sshServer(chain);
        return audit.findings;
    }

    private void variables(DockerInstruction i) {
        List<ShellWords.Word> words = ShellWords.split(i.arguments(), dockerfile.escape());
        if (words.isEmpty()) {
            return;
        }
        if (i.keyword().equals("ENV") && !words.get(0).text().contains("=")) {
            // the legacy form: ENV NAME the rest of the line
            String value = i.arguments().substring(Math.min(i.arguments().length(),
                    words.get(0).offset() + words.get(0).text().length())).strip();
            variable(i, words.get(0).text(), Optional.of(value), words.get(0).offset());
            return;
        }
        for (ShellWords.Word w : words) {
            int eq = w.text().indexOf('=');
            String name = eq < 0 ? w.text() : w.text().substring(0, eq);
            variable(i, name, eq < 0 ? Optional.empty() : Optional.of(w.text().substring(eq + 1)), w.offset());
        }
    }

    private void variable(DockerInstruction i, String name, Optional<String> value, int offset) {
        int line = i.lineAt(offset);
        String shown = Secrets.shortName(name);
        if (value.isPresent()) {
            Secrets.why(name, value.get()).ifPresent(why -> add("PST-DOCKER-SECRET", Severity.HIGH, line,
                    i.keyword() + " " + shown + " " + why + ", in plain text in the Dockerfile and the image: "
                            + Secrets.mask(value.get()),
                    "remove it; " + Fixes.buildSecret(app, name)));
        } else if (Secrets.secretName(name)) {
            add("PST-DOCKER-SECRET", Severity.MEDIUM, line, "ARG " + shown + " is named like a secret: build "
                            + "arguments are kept in the image history (docker history) for anyone who pulls it",
                    Fixes.buildSecret(app, name));
        }
    }

    private void addFromUrl(DockerInstruction i) {
        List<String> sources = new ArrayList<>(i.execForm().orElseGet(() -> words(i.arguments())));
        boolean checksum = sources.stream().anyMatch(s -> s.startsWith("--checksum="));
        sources.removeIf(s -> s.startsWith("--"));
        if (sources.size() > 1) {
            sources.remove(sources.size() - 1);
        }
        for (String source : sources) {
            String lower = source.toLowerCase(Locale.ROOT);
            boolean remote = lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("git@");
            if (remote && !checksum) {
                add("PST-DOCKER-ADD-URL", Severity.MEDIUM, i.line(), "ADD fetches " + Dockerfile.shorten(source)
                                + " at build time without checking what arrives",
                        "download with RUN curl -fsSLo FILE URL && echo \"SHA256  FILE\" | sha256sum -c -, or ADD "
                                + "--checksum=sha256:..., or COPY a vendored copy");
            }
        }
    }

    private void baseImages() {
        Map<String, String> globals = defaults(dockerfile.globalArgs());
        List<String> stageNames = new ArrayList<>();
        for (DockerStage stage : dockerfile.stages()) {
            String image = substitute(stage.image(), globals);
            if (image != null && !image.equalsIgnoreCase("scratch")
                    && !stageNames.contains(image.toLowerCase(Locale.ROOT))) {
                pinning(stage, image);
            }
            if (stage.name() != null) {
                stageNames.add(stage.name());
            }
        }
    }

    private void pinning(DockerStage stage, String image) {
        if (image.contains("@")) {
            return;
        }
        int slash = image.lastIndexOf('/');
        int colon = image.indexOf(':', slash + 1);
        String tag = colon < 0 ? null : image.substring(colon + 1);
        String shown = Dockerfile.shorten(image);
        if (tag == null || tag.equals("latest")) {
            add("PST-DOCKER-LATEST", Severity.MEDIUM, stage.from().line(), "FROM " + shown + (tag == null
                            ? " has no tag: it means :latest, whatever that is on the day of the build"
                            : ": :latest is whatever was pushed last"),
                    "pin a version and its digest: FROM " + (colon < 0 ? image : image.substring(0, colon))
                            + ":VERSION@sha256:... (docker buildx imagetools inspect IMAGE:VERSION shows the digest)");
        } else {
            add("PST-DOCKER-DIGEST", Severity.LOW, stage.from().line(), "FROM " + shown + " has no @sha256: "
                            + "digest: the tag can be moved to a different image",
                    "pin the digest: FROM " + shown + "@sha256:... (docker buildx imagetools inspect " + shown
                            + "); update it on purpose, e.g. with Renovate or Dependabot");
        }
    }

    /** The final stage and the stages it is built FROM, first stage first. */
    private List<DockerStage> finalChain() {
        List<DockerStage> chain = new ArrayList<>();
        DockerStage stage = dockerfile.finalStage();
        chain.add(0, stage);
        while (true) {
            DockerStage parent = null;
            for (DockerStage s : dockerfile.stages()) {
                if (s.index() < stage.index() && s.name() != null && s.name().equalsIgnoreCase(stage.image())) {
                    parent = s;
                }
            }
            if (parent == null) {
                return chain;
            }
            chain.add(0, parent);
            stage = parent;
        }
    }

    private void user(List<DockerStage> chain) {
        DockerInstruction last = null;
        for (DockerStage stage : chain) {
            for (DockerInstruction i : stage.body()) {
                if (i.keyword().equals("USER")) {
                    last = i;
                }
            }
        }
        DockerStage finalStage = chain.get(chain.size() - 1);
        String fix = "add a user and switch to it at the end of the final stage: RUN useradd --system --uid 10001 "
                + "app (Alpine: adduser -S -u 10001 app), then USER 10001; give it only the files it must write";
        if (last == null) {
            add("PST-DOCKER-ROOT", Severity.MEDIUM, finalStage.from().line(), "the final stage (FROM "
                    + Dockerfile.shorten(finalStage.image()) + ") sets no USER: the app runs as the base image's "
                    + "user, root for most images", fix);
            return;
        }
        List<ShellWords.Word> words = ShellWords.split(last.arguments(), dockerfile.escape());
        String user = words.isEmpty() ? "" : words.get(0).text().split(":", 2)[0];
        if (user.equals("root") || user.matches("0+")) {
            add("PST-DOCKER-ROOT", Severity.MEDIUM, last.line(), "USER " + Dockerfile.shorten(last.arguments())
                    + " in the final stage: the app runs as root", fix);
        }
    }

    private void sshServer(List<DockerStage> chain) {
        int installLine = -1;
        List<String> exposures = new ArrayList<>();
        for (DockerStage stage : chain) {
            for (DockerInstruction i : stage.body()) {
                switch (i.keyword()) {
                    case "RUN":
                        if (installLine < 0) {
                            installLine = sshInstall(i);
                        }
                        if (LISTEN_ANY.matcher(i.commandText()).find()) {
                            exposures.add("ListenAddress 0.0.0.0");
                        }
                        break;
                    case "EXPOSE":
                        for (String port : words(i.arguments())) {
                            if (port.equals("22") || port.equalsIgnoreCase("22/tcp")) {
                                exposures.add("EXPOSE 22");
                            }
                        }
                        break;
                    case "CMD":
                    case "ENTRYPOINT":
                        for (String word : words(i.commandText())) {
                            if (word.equals("sshd") || word.endsWith("/sshd")) {
                                exposures.add("the sshd " + i.keyword());
                                break;
                            }
                        }
                        break;
                    default:
                        break;
                }
            }
        }
        if (installLine < 0) {
            return;
        }
        String also = exposures.isEmpty() ? "" : " (and " + String.join(", ", exposures) + ")";
        String fix = "remove openssh-server" + also
                + "; run the Postern agent in the machine instead (postern agent: an outbound tunnel, no inbound "
                + "port, short-lived certificates) and connect with postern ssh console";
        if (exposures.isEmpty()) {
            add("PST-DOCKER-SSHD", Severity.MEDIUM, installLine, "the image installs openssh-server: one "
                    + "service start away from an SSH server listening on every address", fix);
        } else {
            add("PST-DOCKER-SSHD", Severity.HIGH, installLine, "the image installs openssh-server and exposes it ("
                    + String.join(", ", exposures) + "): sshd listens on every address (0.0.0.0:22)", fix);
        }
    }

    /** The line of an openssh-server install in this RUN, or -1. */
    private int sshInstall(DockerInstruction i) {
        String text = i.execForm().isPresent() ? i.commandText() : i.arguments();
        int offset = 0;
        for (String line : (text + (i.execForm().isPresent() ? "" : heredocText(i))).split("\n", -1)) {
            Matcher separators = SHELL_SEPARATOR.matcher(line);
            int start = 0;
            List<int[]> commands = new ArrayList<>();
            while (separators.find()) {
                commands.add(new int[] {start, separators.start()});
                start = separators.end();
            }
            commands.add(new int[] {start, line.length()});
            for (int[] c : commands) {
                int at = installs(line.substring(c[0], c[1]));
                if (at >= 0) {
                    int where = offset + c[0] + at;
                    return i.execForm().isPresent() || where >= i.arguments().length() ? i.line() : i.lineAt(where);
                }
            }
            offset += line.length() + 1;
        }
        return -1;
    }

    private static String heredocText(DockerInstruction i) {
        StringBuilder text = new StringBuilder();
        for (String body : i.heredocs()) {
            text.append('\n').append(body);
        }
        return text.toString();
    }

    /** The offset of openssh-server in one simple command when it is a package install of it, else -1. */
    private int installs(String command) {
        List<ShellWords.Word> words = ShellWords.split(command, dockerfile.escape());
        String manager = null;
        boolean installing = false;
        for (ShellWords.Word w : words) {
            String word = w.text();
            if (manager == null) {
                String base = word.substring(word.lastIndexOf('/') + 1);
                if (PACKAGE_MANAGERS.contains(base)) {
                    manager = base;
                }
            } else if (!installing) {
                if (INSTALL_VERBS.contains(word)) {
                    installing = true;
                } else if (!word.startsWith("-")) {
                    return -1;
                }
            } else if (SSH_PACKAGE.matcher(word).matches()
                    || manager.equals("apk") && APK_SSH_PACKAGE.matcher(word).matches()) {
                return w.offset();
            }
        }
        return -1;
    }

    private List<String> words(String text) {
        List<String> words = new ArrayList<>();
        for (ShellWords.Word w : ShellWords.split(text, dockerfile.escape())) {
            words.add(w.text());
        }
        return words;
    }

    private Map<String, String> defaults(List<DockerInstruction> args) {
        Map<String, String> values = new HashMap<>();
        for (DockerInstruction i : args) {
            for (String word : words(i.arguments())) {
                int eq = word.indexOf('=');
                if (eq > 0) {
                    values.put(word.substring(0, eq), word.substring(eq + 1));
                }
            }
        }
        return values;
    }

    /** {@code text} with $NAME, ${NAME}, ${NAME:-default} and ${NAME:+alternative} replaced; null when unknown. */
    static String substitute(String text, Map<String, String> values) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(4);
            String value = values.get(name);
            String operator = m.group(2);
            String replacement;
            if (operator == null) {
                replacement = value;
            } else if (operator.endsWith("-")) {
                boolean unset = value == null || operator.startsWith(":") && value.isEmpty();
                replacement = unset ? m.group(3) : value;
            } else {
                boolean set = value != null && !(operator.startsWith(":") && value.isEmpty());
                replacement = set ? m.group(3) : "";
            }
            if (replacement == null) {
                return null;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private void add(String id, Severity severity, int line, String message, String fix) {
        findings.add(new Finding(id, severity, file, line, message, fix));
    }
}

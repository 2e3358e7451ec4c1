package dev.postern.cli.audit;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Dockerfile parsed as Docker's reference describes it (https://docs.docker.com/reference/dockerfile/):
 * parser directives at the top ({@code # escape=`}, {@code # syntax=}, {@code # check=}), comments, line
 * continuations with the escape character (comment and empty lines inside a continuation are dropped, as
 * BuildKit does), case-insensitive keywords, and here-documents ({@code RUN <<EOF ... EOF}) after RUN, COPY and
 * ADD, whose bodies are kept with their instruction. Stages start at each FROM.
 *
 * <pre>{@code Dockerfile file = Dockerfile.parse(Files.readString(path)); file.stages().get(last).body()}</pre>
 */
record Dockerfile(char escape, List<DockerInstruction> instructions, List<DockerStage> stages) {
    private static final Set<String> KEYWORDS = Set.of("ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE",
            "FROM", "HEALTHCHECK", "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME",
            "WORKDIR");
    private static final Pattern DIRECTIVE = Pattern.compile("#\\s*([a-zA-Z][a-zA-Z0-9]*)\\s*=\\s*(.+?)\\s*");
    private static final Set<String> DIRECTIVES = Set.of("syntax", "escape", "check");
    private static final Pattern HEREDOC = Pattern.compile("(?<!<)<<(?!<)(-?)([\"']?)([A-Za-z_][A-Za-z0-9_]*+)\\2");
    private static final Pattern KEYWORD = Pattern.compile("(\\S+)\\s*");
    /** Directives are short; longer comment lines are not tried (the pattern would be slow on them). */
    private static final int MAX_DIRECTIVE = 1024;
    private static final int MAX_SHOWN = 40;

    Dockerfile {
        instructions = List.copyOf(instructions);
        stages = List.copyOf(stages);
    }

    /** The stage that becomes the image: the last one. */
    DockerStage finalStage() {
        return stages.get(stages.size() - 1);
    }

    /** The ARG instructions before the first FROM (their defaults may be used in FROM lines). */
    List<DockerInstruction> globalArgs() {
        List<DockerInstruction> args = new ArrayList<>();
        for (DockerInstruction i : instructions) {
            if (i.keyword().equals("FROM")) {
                break;
            }
            args.add(i);
        }
        return args;
    }

    /**
     * Parses {@code text}.
     *
     * @throws DockerfileException where Docker would refuse the file too: a bad escape directive, an unknown
     *                             instruction, an instruction other than ARG before the first FROM, a FROM without
     *                             an image, an unterminated here-document, no FROM at all
     */
    static Dockerfile parse(String text) throws DockerfileException {
        String[] lines = (text.startsWith("\uFEFF") ? text.substring(1) : text).split("\r?\n", -1);
        char escape = directives(lines);
        List<DockerInstruction> instructions = new ArrayList<>();
        int i = 0;
        while (i < lines.length) {
            String first = lines[i].stripLeading();
            if (first.isEmpty() || first.startsWith("#")) {
                i++;
                continue;
            }
            int startLine = i + 1;
            StringBuilder logical = new StringBuilder();
            List<int[]> starts = new ArrayList<>();
            String current = first;
            int currentLine = startLine;
            i++;
            while (true) {
                starts.add(new int[] {logical.length(), currentLine});
                String withoutEscape = withoutContinuation(current, escape);
                if (withoutEscape == null) {
                    logical.append(current);
                    break;
                }
                logical.append(withoutEscape);
                while (i < lines.length && (lines[i].isBlank() || lines[i].stripLeading().startsWith("#"))) {
                    i++;
                }
                if (i >= lines.length) {
                    break;
                }
                current = lines[i];
                currentLine = i + 1;
                i++;
            }
            Matcher m = KEYWORD.matcher(logical);
            m.lookingAt();
            String keyword = m.group(1).toUpperCase(Locale.ROOT);
            if (!KEYWORDS.contains(keyword)) {
                throw new DockerfileException(startLine, "unknown instruction '" + shorten(m.group(1)) + "'");
            }
            int shift = m.end();
            String arguments = logical.substring(shift).stripTrailing();
            List<int[]> argStarts = new ArrayList<>();
            for (int[] s : starts) {
                argStarts.add(new int[] {Math.max(0, s[0] - shift), s[1]});
            }
            List<String> heredocs = new ArrayList<>();
            if (keyword.equals("RUN") || keyword.equals("COPY") || keyword.equals("ADD")) {
                Matcher h = HEREDOC.matcher(arguments);
                while (h.find()) {
                    boolean stripTabs = !h.group(1).isEmpty();
                    String word = h.group(3);
                    StringBuilder body = new StringBuilder();
                    int opened = i;
                    while (true) {
                        if (i >= lines.length) {
                            throw new DockerfileException(startLine, "here-document <<" + shorten(word)
                                    + " is not closed: no line '" + shorten(word) + "' after line " + opened);
                        }
                        String bodyLine = stripTabs ? lines[i].replaceFirst("^\t+", "") : lines[i];
                        i++;
                        if (bodyLine.equals(word)) {
                            break;
                        }
                        body.append(bodyLine).append('\n');
                    }
                    heredocs.add(body.toString());
                }
            }
            instructions.add(new DockerInstruction(keyword, arguments, startLine, argStarts, heredocs));
        }
        return new Dockerfile(escape, instructions, stages(instructions, escape));
    }

    /** The escape character from the parser directives at the top ({@code \} when none). */
    private static char directives(String[] lines) throws DockerfileException {
        char escape = '\\';
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < lines.length; i++) {
            Matcher m = DIRECTIVE.matcher(lines[i].strip());
            if (lines[i].length() > MAX_DIRECTIVE || !m.matches()
                    || !DIRECTIVES.contains(m.group(1).toLowerCase(Locale.ROOT))) {
                // a comment, an empty line, an instruction or an unknown directive ends the directives
                break;
            }
            String name = m.group(1).toLowerCase(Locale.ROOT);
            if (!seen.add(name)) {
                throw new DockerfileException(i + 1, "only one '" + name + "' parser directive may be used");
            }
            if (name.equals("escape")) {
                String value = m.group(2);
                if (!value.equals("\\") && !value.equals("`")) {
                    throw new DockerfileException(i + 1, "escape directive '" + shorten(value)
                            + "' must be \\ or `");
                }
                escape = value.charAt(0);
            }
        }
        return escape;
    }

    /** The line without its trailing escape character (and blanks after it), or null when it does not continue. */
    private static String withoutContinuation(String line, char escape) {
        int end = line.length();
        while (end > 0 && (line.charAt(end - 1) == ' ' || line.charAt(end - 1) == '\t')) {
            end--;
        }
        return end > 0 && line.charAt(end - 1) == escape ? line.substring(0, end - 1) : null;
    }

    private static List<DockerStage> stages(List<DockerInstruction> instructions, char escape)
            throws DockerfileException {
        List<DockerStage> stages = new ArrayList<>();
        DockerInstruction from = null;
        List<DockerInstruction> body = new ArrayList<>();
        for (DockerInstruction i : instructions) {
            if (i.keyword().equals("FROM")) {
                if (from != null) {
                    stages.add(stage(stages.size(), from, body, escape));
                }
                from = i;
                body = new ArrayList<>();
            } else if (from == null && !i.keyword().equals("ARG")) {
                throw new DockerfileException(i.line(), i.keyword() + " before the first FROM: only ARG may come "
                        + "before FROM");
            } else if (from != null) {
                body.add(i);
            }
        }
        if (from == null) {
            throw new DockerfileException(1, "no FROM instruction: a Dockerfile starts a stage with FROM IMAGE");
        }
        stages.add(stage(stages.size(), from, body, escape));
        return stages;
    }

    private static DockerStage stage(int index, DockerInstruction from, List<DockerInstruction> body, char escape)
            throws DockerfileException {
        List<ShellWords.Word> words = new ArrayList<>(ShellWords.split(from.arguments(), escape));
        words.removeIf(w -> w.text().startsWith("--"));
        if (words.isEmpty()) {
            throw new DockerfileException(from.line(), "FROM needs an image: FROM IMAGE[:TAG][@DIGEST] [AS NAME]");
        }
        String name = null;
        if (words.size() == 3 && words.get(1).text().equalsIgnoreCase("AS")) {
            name = words.get(2).text().toLowerCase(Locale.ROOT);
        } else if (words.size() != 1) {
            throw new DockerfileException(from.line(), "FROM takes IMAGE [AS NAME], not '"
                    + shorten(from.arguments()) + "'");
        }
        return new DockerStage(index, words.get(0).text(), name, from, body);
    }

    static String shorten(String value) {
        return value.length() <= MAX_SHOWN ? value : value.substring(0, MAX_SHOWN) + "…";
    }
}

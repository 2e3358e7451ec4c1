package dev.postern.cli.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One Dockerfile instruction after comments are dropped and continuation lines joined: {@code RUN apt-get
 * update && \ (newline) apt-get install -y curl} is one instruction whose {@code arguments} are the two lines
 * without the escape and newline, as Docker joins them.
 *
 * @param keyword    upper case ({@code RUN}); Docker's keywords are case-insensitive
 * @param arguments  everything after the keyword, continuation lines joined
 * @param line       the 1-based line the instruction starts on
 * @param lineStarts for each physical line the instruction spans: the offset in {@code arguments} where it
 *                   starts, and which line it is (pairs), so a word can be reported on its own line
 * @param heredocs   the bodies of {@code <<EOF} here-documents that follow the instruction (RUN, COPY, ADD)
 */
record DockerInstruction(String keyword, String arguments, int line, List<int[]> lineStarts, List<String> heredocs) {
    private static final ObjectMapper JSON = new ObjectMapper();

    DockerInstruction {
        keyword = keyword.toUpperCase(Locale.ROOT);
        Objects.requireNonNull(arguments, "arguments");
        lineStarts = List.copyOf(lineStarts);
        heredocs = List.copyOf(heredocs);
    }

    /** The line holding the character at {@code offset} of {@link #arguments}. */
    int lineAt(int offset) {
        int found = line;
        for (int[] start : lineStarts) {
            if (start[0] <= offset) {
                found = start[1];
            }
        }
        return found;
    }

    /**
     * The arguments of the exec form ({@code CMD ["sshd", "-D"]}): a JSON array of strings; empty for the shell
     * form. As in Docker, text that starts with '[' but is not such an array is the shell form.
     */
    Optional<List<String>> execForm() {
        String trimmed = arguments.strip();
        if (!trimmed.startsWith("[")) {
            return Optional.empty();
        }
        try {
            JsonNode node = JSON.readTree(trimmed);
            if (node == null || !node.isArray()) {
                return Optional.empty();
            }
            List<String> words = new ArrayList<>();
            for (JsonNode element : node) {
                if (!element.isTextual()) {
                    return Optional.empty();
                }
                words.add(element.asText());
            }
            return Optional.of(words);
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    /** The command text: the exec form's words joined by spaces, else the shell form; here-documents appended. */
    String commandText() {
        StringBuilder text = new StringBuilder(execForm().map(words -> String.join(" ", words)).orElse(arguments));
        for (String body : heredocs) {
            text.append('\n').append(body);
        }
        return text.toString();
    }
}

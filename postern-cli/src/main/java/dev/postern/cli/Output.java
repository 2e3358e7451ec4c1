package dev.postern.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.postern.cli.client.CliJson;
import dev.postern.common.Untrusted;
import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** Printing helpers shared by commands: JSON for scripts, aligned tables for people. */
public final class Output {
    private static final ObjectMapper JSON = CliJson.MAPPER;

    private Output() {
    }

    /** Prints {@code value} as indented JSON with the same mapping the API uses. */
    public static void json(PrintStream out, Object value) {
        try {
            // non-ASCII as \\uXXXX too: still the same JSON, and no bidi override or separator reaches the terminal
            out.println(JSON.writer().with(JsonWriteFeature.ESCAPE_NON_ASCII).writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new CliException(ExitCodes.FAILURE, "cannot print JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** An instant to the second, UTC, ISO-8601; "-" for null. */
    public static String time(Instant instant) {
        return instant == null ? "-" : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /**
     * A value from the server made safe for a terminal: control, format and separator characters (ESC, NUL,
     * U+2028, bidi overrides...) are shown as {@code \\uXXXX}, so that a stored e-mail or audit detail cannot move
     * the cursor, recolour or hide lines in the reader's terminal.
     */
    public static String safe(String value) {
        return Untrusted.escape(value);
    }

    /** Prints rows under a header with columns padded to their widest cell; every cell is {@link #safe}. */
    public static void table(PrintStream out, List<String> header, List<List<String>> rows) {
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        int[] width = new int[header.size()];
        for (List<String> row : all) {
            for (int i = 0; i < row.size(); i++) {
                width[i] = Math.max(width[i], cell(row, i).length());
            }
        }
        for (List<String> row : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < header.size(); i++) {
                String c = cell(row, i);
                line.append(c);
                if (i < header.size() - 1) {
                    line.append(" ".repeat(width[i] - c.length() + 2));
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static String cell(List<String> row, int i) {
        String c = i < row.size() ? row.get(i) : null;
        return c == null ? "-" : safe(c);
    }
}

package dev.postern.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.postern.common.Json;
import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** Printing helpers shared by commands: JSON for scripts, aligned tables for people. */
public final class Output {
    private static final ObjectMapper JSON = Json.mapper();

    private Output() {
    }

    /** Prints {@code value} as indented JSON with the same mapping the API uses. */
    public static void json(PrintStream out, Object value) {
        try {
            out.println(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new CliException(ExitCodes.FAILURE, "cannot print JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** An instant to the second, UTC, ISO-8601; "-" for null. */
    public static String time(Instant instant) {
        return instant == null ? "-" : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** Prints rows under a header with columns padded to their widest cell. */
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
        return c == null ? "-" : c;
    }
}

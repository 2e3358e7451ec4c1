package dev.postern.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.postern.common.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes the results as a Markdown table and as JSON, both headed by the {@link RunInfo}. */
final class Report {
    private Report() {
    }

    static String markdown(Map<String, String> info, List<Measurement> rows) {
        StringBuilder md = new StringBuilder("# Postern vs OpenSSH benchmarks (" + info.get("mode") + ")\n\n");
        info.forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
        md.append("\n| # | metric | unit | Postern | OpenSSH | Postern/OpenSSH | goal | met | how |\n");
        md.append("| --- | --- | --- | ---: | ---: | ---: | --- | --- | --- |\n");
        for (Measurement m : rows) {
            md.append("| ").append(m.bench()).append(" | ").append(m.metric()).append(" | ").append(m.unit())
                    .append(" | ").append(num(m.postern())).append(" | ").append(num(m.openssh()))
                    .append(" | ").append(m.ratio() == null ? "" : String.format(Locale.ROOT, "%.2f", m.ratio()))
                    .append(" | ").append(m.goal()).append(" | ")
                    .append(m.met() == null ? (m.postern() == null ? "not run" : "") : m.met() ? "yes" : "**no**")
                    .append(" | ").append(m.note().replace("|", "\\|")).append(" |\n");
        }
        return md.toString();
    }

    static String json(Map<String, String> info, List<Measurement> rows) throws IOException {
        List<Map<String, Object>> results = new ArrayList<>();
        for (Measurement m : rows) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("bench", m.bench());
            r.put("metric", m.metric());
            r.put("unit", m.unit());
            r.put("postern", m.postern());
            r.put("openssh", m.openssh());
            r.put("ratio", m.ratio());
            r.put("goal", m.goal());
            r.put("met", m.met());
            r.put("note", m.note());
            results.add(r);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("run", info);
        root.put("results", results);
        ObjectMapper mapper = Json.mapper().copy().enable(SerializationFeature.INDENT_OUTPUT);
        return mapper.writeValueAsString(root) + "\n";
    }

    static void write(Path dir, String stem, Map<String, String> info, List<Measurement> rows) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(stem + ".md"), markdown(info, rows));
        Files.writeString(dir.resolve(stem + ".json"), json(info, rows));
    }

    private static String num(Double v) {
        if (v == null) {
            return "";
        }
        if (Double.isNaN(v)) {
            return "NaN";
        }
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }
}

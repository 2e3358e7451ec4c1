package dev.postern.cli.audit;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.postern.cli.CliException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a fly.toml and a Dockerfile and runs their rules. Input that cannot be audited (missing, not a regular
 * file, too large, not UTF-8, not parsable) is a {@link CliException} with exit code 2 naming the file and, for
 * syntax errors, the line.
 */
final class ConfigAudit {
    /** A fly.toml or Dockerfile is a few KiB; anything this large is the wrong file. */
    static final long MAX_BYTES = 1024 * 1024;
    private static final int MAX_REASON = 80;
    private static final TomlMapper TOML = new TomlMapper();

    /** A file to audit: where it is and how to name it in findings and errors (as the person wrote it). */
    record Input(Path path, String shown) {
    }

    private ConfigAudit() {
    }

    /** The findings of both files (either may be null), in {@link Finding#ORDER}. */
    static List<Finding> audit(Input flyToml, Input dockerfile) {
        List<Finding> findings = new ArrayList<>();
        String app = null;
        if (flyToml != null) {
            String text = read(flyToml);
            JsonNode root = parseToml(text, flyToml.shown());
            app = root.path("app").asText(null);
            findings.addAll(FlyTomlAudit.audit(root, TomlLines.of(text), flyToml.shown()));
        }
        if (dockerfile != null) {
            findings.addAll(dockerfile(read(dockerfile), dockerfile.shown(), app));
        }
        findings.sort(Finding.ORDER);
        return findings;
    }

    /** The document as a tree (an empty table for an empty file), or exit 2 naming the file and line. */
    static JsonNode parseToml(String text, String shown) {
        JsonNode root;
        try {
            root = TOML.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            int line = at == null || at.getLineNr() < 1 ? 1 : Math.min(at.getLineNr(), lineCount(text));
            // Jackson's TOML messages name the token class, not its text; cut anyway: the file may hold secrets
            throw CliException.usage(shown + ":" + line + ": not valid TOML: " + reason(e.getOriginalMessage())
                    + "; fix the file (https://toml.io) and run postern audit config again");
        }
        return root == null || !root.isObject() ? TOML.createObjectNode() : root;
    }

    static List<Finding> dockerfile(String text, String shown, String app) {
        try {
            return DockerfileAudit.audit(Dockerfile.parse(text), shown, app);
        } catch (DockerfileException e) {
            throw CliException.usage(shown + ":" + e.line() + ": not a valid Dockerfile: " + e.getMessage());
        }
    }

    /** The file's text, refusing what is not a small UTF-8 regular file. */
    static String read(Input input) {
        Path path = input.path();
        try {
            if (Files.isDirectory(path)) {
                throw CliException.usage(input.shown() + " is a directory; name the file: " + input.shown()
                        + "/fly.toml or " + input.shown() + "/Dockerfile");
            }
            if (Files.size(path) > MAX_BYTES) {
                throw CliException.usage(input.shown() + " is larger than 1 MiB: not a fly.toml or Dockerfile");
            }
            byte[] bytes = Files.readAllBytes(path);
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (NoSuchFileException e) {
            throw CliException.usage(input.shown() + ": no such file; name an existing fly.toml or Dockerfile");
        } catch (CharacterCodingException e) {
            throw CliException.usage(input.shown() + " is not UTF-8 text: not a fly.toml or Dockerfile");
        } catch (IOException e) {
            throw CliException.usage("cannot read " + input.shown() + ": " + e.getClass().getSimpleName());
        }
    }

    private static String reason(String message) {
        String m = message == null ? "syntax error" : message.strip();
        return m.length() <= MAX_REASON ? m : m.substring(0, MAX_REASON) + "…";
    }

    private static int lineCount(String text) {
        return (int) Math.max(1, text.chars().filter(c -> c == '\n').count() + (text.endsWith("\n") ? 0 : 1));
    }
}

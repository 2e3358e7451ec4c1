package dev.postern.cli.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.postern.common.Json;

/**
 * The CLI's one JSON mapper ({@link Json#mapper()}'s settings), shared by the API client, the config and cache files
 * and JSON output. Why one: a command ran with three or more, each made anew (one per API client), and making a
 * mapper and its first serializers was about 25 ms of a 0.45 s {@code machines list} in a fresh JVM.
 */
public final class CliJson {
    /** Configured once here, never changed after (a mapper is thread-safe as long as nobody reconfigures it). */
    public static final ObjectMapper MAPPER = Json.mapper();

    private CliJson() {
    }
}

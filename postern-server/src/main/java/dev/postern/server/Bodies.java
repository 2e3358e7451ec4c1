package dev.postern.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.postern.common.Json;
import dev.postern.common.Role;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;

/**
 * Reading and checking request bodies; bad input becomes a 400 that says what to send, never a 500, and never
 * quotes the body back (see {@link dev.postern.common.Untrusted} for values that are quoted).
 */
final class Bodies {
    private static final ObjectMapper JSON = Json.mapper();

    private Bodies() {
    }

    static <T> T read(Context ctx, Class<T> type) {
        byte[] bytes;
        try {
            bytes = ctx.bodyAsBytes(); // capped by BodyLimitFilter, chunked or not
        } catch (HttpResponseException e) {
            throw e;
        } catch (RuntimeException e) {
            throw ApiException.badRequest("the request body could not be read; send a " + type.getSimpleName()
                    + " JSON object (see docs/API.md)");
        }
        if (bytes.length == 0) {
            throw ApiException.badRequest("a JSON " + type.getSimpleName() + " body is required; see docs/API.md");
        }
        T body;
        try {
            body = JSON.readValue(bytes, type);
        } catch (JsonProcessingException e) {
            // the parser's own message quotes the input: only its position goes back
            var at = e.getLocation();
            throw ApiException.badRequest("the request body is not a valid " + type.getSimpleName() + " JSON object"
                    + (at == null ? "" : " (at line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")
                    + "; see docs/API.md");
        } catch (IOException | RuntimeException e) {
            throw ApiException.badRequest("the request body is not a valid " + type.getSimpleName()
                    + " JSON object; see docs/API.md");
        }
        if (body == null) {
            throw ApiException.badRequest("a JSON " + type.getSimpleName() + " body is required; see docs/API.md");
        }
        return body;
    }

    static String email(String email) {
        try {
            return Emails.normalize(email);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    static Role role(String role) {
        try {
            return Role.parse(role);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }
}

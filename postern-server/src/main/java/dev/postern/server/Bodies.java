package dev.postern.server;

import dev.postern.common.Role;
import io.javalin.http.Context;

/** Reading and checking request bodies; bad input becomes a 400 that says what to send. */
final class Bodies {
    private Bodies() {
    }

    static <T> T read(Context ctx, Class<T> type) {
        T body;
        try {
            body = ctx.bodyAsClass(type);
        } catch (RuntimeException e) {
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

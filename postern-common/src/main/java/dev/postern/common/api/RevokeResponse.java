package dev.postern.common.api;

import java.util.List;

/** Answer to a revocation: the serials newly revoked. */
public record RevokeResponse(List<Long> serials) {
    public RevokeResponse {
        serials = List.copyOf(serials);
    }
}

package dev.imagesyncer.registry.auth;

import java.time.Duration;
import java.time.Instant;

/** A token from a token server and when to stop using it. {@link #toString()} hides the token. */
public record BearerToken(String value, Instant expiresAt) {

    /** Tokens are renewed this long before they expire, so a request never starts with a dying one. */
    private static final Duration MARGIN = Duration.ofSeconds(10);

    public boolean isUsableAt(Instant now) {
        return now.plus(MARGIN).isBefore(expiresAt);
    }

    public String authorization() {
        return "Bearer " + value;
    }

    @Override
    public String toString() {
        return "BearerToken[expiresAt=" + expiresAt + "]";
    }
}

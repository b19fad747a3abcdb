package dev.imagesyncer.registry.auth;

import java.time.Duration;
import java.time.Instant;

/**
 * A token from a token server, when it was issued and when it expires (its {@code expires_in}, Docker token
 * authentication specification). {@link #toString()} hides the token.
 */
public record BearerToken(String value, Instant issuedAt, Instant expiresAt) {

    /** Tokens are renewed at most this long before they expire, so a request never starts with a dying one. */
    private static final Duration MARGIN = Duration.ofSeconds(10);

    /**
     * True while a request may still start with this token: until {@link #MARGIN} before it expires, or a fifth
     * of its lifetime for short-lived tokens (a 5 s token is used for 4 s), so that it is renewed once per
     * lifetime rather than before every request.
     */
    public boolean isUsableAt(Instant now) {
        Duration lifetime = Duration.between(issuedAt, expiresAt);
        Duration margin = lifetime.dividedBy(5).compareTo(MARGIN) < 0 ? lifetime.dividedBy(5) : MARGIN;
        return now.plus(margin).isBefore(expiresAt);
    }

    public String authorization() {
        return "Bearer " + value;
    }

    @Override
    public String toString() {
        return "BearerToken[issuedAt=" + issuedAt + ", expiresAt=" + expiresAt + "]";
    }
}

package dev.imagesyncer.service;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The first step of every management endpoint but {@code /health}: when a token is set ({@code sync.http.token}
 * or the file {@code sync.http.tokenFile}), a request must carry {@code Authorization: Bearer <token>}, else it is
 * answered 401 and goes no further. The comparison takes the same time whatever the bytes (RFC 6750 bearer
 * tokens); the header is removed once checked, and neither is ever logged.
 */
public final class TokenCheck implements Processor {

    private final byte[] expected;

    /** @param token the token, or null for no check */
    public TokenCheck(String token) {
        this.expected = token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    public boolean isEnabled() {
        return expected != null;
    }

    @Override
    public void process(Exchange exchange) {
        if (expected == null) {
            return;
        }
        String given = exchange.getMessage().getHeader("Authorization", "", String.class);
        exchange.getMessage().removeHeader("Authorization");
        if (!MessageDigest.isEqual(expected, given.trim().getBytes(StandardCharsets.UTF_8))) {
            exchange.getMessage().setBody(ManagementApi.unauthorized(exchange));
            exchange.setRouteStop(true);
        }
    }
}

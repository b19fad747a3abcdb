package dev.imagesyncer.registry.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A user name and password (or token). {@link #toString()} never shows the password. */
public record Credentials(String username, String password) {

    /** The value of an {@code Authorization: Basic} header. */
    public String basicAuthorization() {
        return "Basic " + Base64.getEncoder().encodeToString(
                (username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "Credentials[username=" + username + ", password=***]";
    }
}

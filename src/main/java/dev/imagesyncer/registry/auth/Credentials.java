package dev.imagesyncer.registry.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A user name and password (or token). {@link #toString()} never shows the password. */
public record Credentials(String username, String password) {

    /** The user name Docker's credential helpers give with an identity token (an OAuth2 refresh token). */
    public static final String IDENTITY_TOKEN_USER = "<token>";

    /**
     * True when the password is an identity token ({@code docker login} to a registry with OAuth2): it is traded
     * for access tokens with {@code grant_type=refresh_token}, never sent as a password.
     */
    public boolean isIdentityToken() {
        return IDENTITY_TOKEN_USER.equals(username);
    }

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

package dev.imagesyncer.config;

import dev.imagesyncer.registry.auth.Credentials;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of the auth file. Absent strings are empty, never null. {@link #toString()} never shows the password.
 *
 * @param insecure skip TLS verification and allow plain http for the entry's registry
 * @param ca       a PEM file of CA certificates to trust for the entry's registry, or null
 */
public record RegistryAuth(String username, String password, boolean insecure, Path ca) {

    public RegistryAuth {
        username = Objects.requireNonNullElse(username, "");
        password = Objects.requireNonNullElse(password, "");
    }

    public RegistryAuth(String username, String password, boolean insecure) {
        this(username, password, insecure, null);
    }

    /** image-syncer's rule: credentials are used only when both the user name and the password are non-empty. */
    public Optional<Credentials> credentials() {
        return username.isEmpty() || password.isEmpty()
                ? Optional.empty()
                : Optional.of(new Credentials(username, password));
    }

    @Override
    public String toString() {
        return "RegistryAuth[username=" + username + ", password=" + (password.isEmpty() ? "" : "***")
                + ", insecure=" + insecure + (ca != null ? ", ca=" + ca : "") + "]";
    }
}

package dev.imagesyncer.testing;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Set;

/**
 * Where a registry answers and how to get in: implemented by {@link RegistryExtension} (the registry itself) and
 * {@link RegistryFront} (a recording proxy in front of one). {@link RegistrySeeder} and {@link Skopeo} accept
 * either.
 */
public interface RegistryEndpoint {

    /** {@code "127.0.0.1:PORT"}, the registry part of an image reference. */
    String host();

    /** {@code http://127.0.0.1:PORT} or {@code https://127.0.0.1:PORT}, without a trailing slash. */
    URI baseUri();

    /** True when {@link #baseUri()} is HTTPS. */
    boolean isTls();

    /** The PEM file of the CA that signed the TLS certificate, to trust instead of disabling verification. */
    Path caFile();

    /** User name for Basic auth, or for the token server; null when the registry needs no credentials. */
    String username();

    /** Password that goes with {@link #username()}; null when there is none. */
    String password();

    /** The token server the registry trusts, or null unless the registry uses token auth. */
    TokenServer tokenServer();

    /**
     * An {@code Authorization} header value that may pull, push and delete in {@code repository}, for test set-up
     * and checks that bypass the code under test: {@code Bearer <token minted by the token server>} for token
     * auth, {@code Basic ...} for Basic auth, null for an open registry.
     */
    default String adminAuthorization(String repository) {
        TokenServer tokens = tokenServer();
        if (tokens != null) {
            return "Bearer " + tokens.mintToken(Set.of("repository:" + repository + ":pull,push,delete"));
        }
        if (username() != null) {
            return "Basic " + Base64.getEncoder().encodeToString(
                    (username() + ":" + password()).getBytes(StandardCharsets.UTF_8));
        }
        return null;
    }
}

package dev.imagesyncer.registry.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagesyncer.registry.Repository;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Credentials stored by {@code docker login}: the {@code auths} section of {@code $DOCKER_CONFIG/config.json}
 * (default {@code ~/.docker/config.json}). Entries hold {@code auth} (base64 of user:password) or
 * {@code username}/{@code password}. Credential helpers ({@code credsStore}) are not consulted.
 */
public final class DockerConfigCredentials implements CredentialSource {

    private final Map<String, Credentials> byRegistry;

    private DockerConfigCredentials(Map<String, Credentials> byRegistry) {
        this.byRegistry = Map.copyOf(byRegistry);
    }

    /** Reads the config file that Docker itself would read; an absent file means no credentials. */
    public static DockerConfigCredentials fromEnvironment() {
        String dockerConfig = System.getenv("DOCKER_CONFIG");
        Path dir = dockerConfig != null && !dockerConfig.isBlank()
                ? Path.of(dockerConfig)
                : Path.of(System.getProperty("user.home"), ".docker");
        return read(dir.resolve("config.json"));
    }

    public static DockerConfigCredentials read(Path configFile) {
        if (!Files.isRegularFile(configFile)) {
            return new DockerConfigCredentials(Map.of());
        }
        JsonNode auths;
        try {
            auths = new ObjectMapper().readTree(configFile.toFile()).path("auths");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Docker credentials from " + configFile + ": "
                    + e.getMessage(), e);
        }
        Map<String, Credentials> byRegistry = new HashMap<>();
        auths.properties().forEach(entry -> credentialsOf(entry.getValue())
                .ifPresent(credentials -> byRegistry.put(registryOf(entry.getKey()), credentials)));
        return new DockerConfigCredentials(byRegistry);
    }

    @Override
    public Optional<Credentials> find(Repository repository) {
        return Optional.ofNullable(byRegistry.get(repository.registry()));
    }

    /** Keys may be URLs such as {@code https://index.docker.io/v1/}: keep the host only. */
    private static String registryOf(String key) {
        String host = key.replaceFirst("^[a-z]+://", "");
        int slash = host.indexOf('/');
        if (slash >= 0) {
            host = host.substring(0, slash);
        }
        return Repository.normaliseRegistry(host);
    }

    private static Optional<Credentials> credentialsOf(JsonNode entry) {
        String auth = entry.path("auth").asText("");
        if (!auth.isEmpty()) {
            String decoded = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon > 0) {
                return Optional.of(new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1)));
            }
        }
        String username = entry.path("username").asText("");
        if (!username.isEmpty()) {
            return Optional.of(new Credentials(username, entry.path("password").asText("")));
        }
        return Optional.empty();
    }
}

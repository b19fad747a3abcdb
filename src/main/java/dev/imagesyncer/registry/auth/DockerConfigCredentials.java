package dev.imagesyncer.registry.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagesyncer.registry.Repository;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Credentials stored by {@code docker login} in {@code $DOCKER_CONFIG/config.json} (default
 * {@code ~/.docker/config.json}), looked up as Docker does: the credential helper {@code credHelpers} names for
 * the registry, else the one {@code credsStore} names for all, else the {@code auths} entry ({@code auth}, base64
 * of user:password, or {@code username}/{@code password}). Helpers are run only for registries asked for (the
 * auth file's entries come first), with a timeout of {@value #HELPER_TIMEOUT_SECONDS} s; see
 * {@link CredentialHelper}.
 */
public final class DockerConfigCredentials implements CredentialSource {

    /** How long a credential helper may take to answer. */
    public static final int HELPER_TIMEOUT_SECONDS = 10;

    private final Map<String, Credentials> byRegistry;
    private final Map<String, CredentialHelper> helperByRegistry;
    private final CredentialHelper store;

    private DockerConfigCredentials(Map<String, Credentials> byRegistry, Map<String, CredentialHelper> helperByRegistry,
                                    CredentialHelper store) {
        this.byRegistry = Map.copyOf(byRegistry);
        this.helperByRegistry = Map.copyOf(helperByRegistry);
        this.store = store;
    }

    /** Reads the config file that Docker itself would read; an absent file means no credentials. */
    public static DockerConfigCredentials fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /**
     * As {@link #fromEnvironment()}, from {@code environment} ({@code DOCKER_CONFIG}, {@code HOME}; helpers run
     * with it and are found on its {@code PATH}).
     */
    public static DockerConfigCredentials fromEnvironment(Map<String, String> environment) {
        String dockerConfig = environment.get("DOCKER_CONFIG");
        Path dir = dockerConfig != null && !dockerConfig.isBlank()
                ? Path.of(dockerConfig)
                : Path.of(environment.getOrDefault("HOME", System.getProperty("user.home")), ".docker");
        return read(dir.resolve("config.json"), environment);
    }

    /** Reads {@code configFile}, whose helpers run with the process's environment. */
    public static DockerConfigCredentials read(Path configFile) {
        return read(configFile, System.getenv());
    }

    private static DockerConfigCredentials read(Path configFile, Map<String, String> environment) {
        if (!Files.isRegularFile(configFile)) {
            return new DockerConfigCredentials(Map.of(), Map.of(), null);
        }
        JsonNode config;
        try {
            config = new ObjectMapper().readTree(configFile.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Docker credentials from " + configFile + ": "
                    + e.getMessage(), e);
        }
        Map<String, Credentials> byRegistry = new HashMap<>();
        config.path("auths").properties().forEach(entry -> credentialsOf(entry.getValue())
                .ifPresent(credentials -> byRegistry.put(registryOf(entry.getKey()), credentials)));
        Duration timeout = Duration.ofSeconds(HELPER_TIMEOUT_SECONDS);
        Map<String, CredentialHelper> helpers = new HashMap<>();
        Map<String, CredentialHelper> helperByRegistry = new HashMap<>();
        config.path("credHelpers").properties().forEach(entry -> helperByRegistry.put(registryOf(entry.getKey()),
                helpers.computeIfAbsent(entry.getValue().asText(), name -> new CredentialHelper(name,
                        "credHelpers in " + configFile, timeout, environment))));
        String storeName = config.path("credsStore").asText("");
        CredentialHelper store = storeName.isBlank() ? null
                : new CredentialHelper(storeName, "credsStore in " + configFile, timeout, environment);
        return new DockerConfigCredentials(byRegistry, helperByRegistry, store);
    }

    @Override
    public Optional<Credentials> find(Repository repository) {
        CredentialHelper helper = helperByRegistry.getOrDefault(repository.registry(), store);
        Optional<Credentials> helped = helper != null ? helper.get(repository) : Optional.empty();
        return helped.isPresent() ? helped : Optional.ofNullable(byRegistry.get(repository.registry()));
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

package dev.imagesyncer.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagesyncer.registry.Repository;
import dev.imagesyncer.registry.auth.CredentialSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The auth file: a map of {@code registry} or {@code registry/namespace[/more]} to
 * {@code {username, password, insecure, ca}}, all optional; {@code ca} is a PEM file of CA certificates (relative
 * to the auth file) trusted for that registry.
 *
 * <p>Keys are normalised like image references: the registry host is lower-cased and Docker Hub's aliases
 * ({@code index.docker.io}, {@code registry-1.docker.io}, {@code registry.hub.docker.com}) become
 * {@code docker.io}; a trailing {@code /} is dropped. The path part is kept as written ({@code docker.io/bitnami} is
 * the {@code bitnami} namespace, not {@code library/bitnami}). Two keys that normalise alike are an error.
 */
public final class AuthConfig {

    static final String EXPECTED = "a map of registry to {username, password, insecure, ca}";
    private static final Set<String> FIELDS = Set.of("username", "password", "insecure", "ca");
    private static final AuthConfig EMPTY = new AuthConfig(Map.of());

    /** Normalised key to entry, in file order. */
    private final Map<String, RegistryAuth> entries;

    private AuthConfig(Map<String, RegistryAuth> entries) {
        this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    /** No entries: every registry is accessed anonymously (or with what other credential sources give). */
    public static AuthConfig empty() {
        return EMPTY;
    }

    /**
     * Reads an auth file ({@code --auth}); user names and passwords are expanded from {@code env}.
     *
     * @throws ConfigException naming the file and entry
     */
    public static AuthConfig load(Path file, Map<String, String> env) {
        return fromTree(ConfigFormat.readMap(file, EXPECTED), file.toString(), EnvironmentExpander.of(env));
    }

    /**
     * Builds the auth config from an already parsed map, e.g. the {@code auth} section of a legacy {@code --config}
     * file; user names and passwords are expanded from {@code env}.
     *
     * @param fileName names the file in error messages
     * @throws ConfigException naming the file and entry
     */
    public static AuthConfig fromTree(JsonNode authSection, String fileName, Map<String, String> env) {
        return fromTree(authSection, fileName, EnvironmentExpander.of(env));
    }

    /** As {@link #fromTree(JsonNode, String, Map)}, with the expansion given (or {@link EnvironmentExpander#none()}). */
    public static AuthConfig fromTree(JsonNode authSection, String fileName, EnvironmentExpander expander) {
        ObjectNode map = ConfigFormat.requireMap(authSection, fileName, EXPECTED);
        Map<String, RegistryAuth> entries = new LinkedHashMap<>();
        Map<String, String> writtenAs = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : map.properties()) {
            String key = field.getKey();
            String normalised;
            try {
                normalised = normaliseKey(key);
            } catch (IllegalArgumentException e) {
                throw ConfigException.atEntry(fileName, key, e.getMessage());
            }
            String earlier = writtenAs.putIfAbsent(normalised, key);
            if (earlier != null) {
                throw ConfigException.atEntry(fileName, key,
                        "same registry as " + ConfigException.quote(earlier) + " (both mean " + normalised + ")");
            }
            entries.put(normalised, entry(field.getValue(), fileName, key, expander));
        }
        return new AuthConfig(entries);
    }

    /** The entries by normalised key, in file order. */
    public Map<String, RegistryAuth> entries() {
        return entries;
    }

    /**
     * The entry for {@code repository}: the longest key that is {@code registry/path} itself or a prefix of it
     * ending at a {@code /}. So {@code quay.io/coreos} beats {@code quay.io} for {@code quay.io/coreos/etcd}, and
     * {@code quay.io/core} does not match it. (image-syncer promises this but picks among matches at random.)
     */
    public Optional<RegistryAuth> find(Repository repository) {
        String candidate = host(repository.registry()) + "/" + repository.path();
        while (true) {
            RegistryAuth auth = entries.get(candidate);
            if (auth != null) {
                return Optional.of(auth);
            }
            int slash = candidate.lastIndexOf('/');
            if (slash < 0) {
                return Optional.empty();
            }
            candidate = candidate.substring(0, slash);
        }
    }

    /**
     * Credentials from the matching entry, only when it has both a user name and a password (image-syncer's rule).
     * An entry without them gives none, even when a shorter key has some: the longest match decides, as it would in
     * image-syncer.
     */
    public CredentialSource credentials() {
        return repository -> find(repository).flatMap(RegistryAuth::credentials);
    }

    /**
     * Whether {@code registry} ({@code host} or {@code host:port}, any Docker Hub alias) is insecure: true when any
     * entry of that host, the host key itself or one of a namespace under it, says {@code insecure: true}. TLS and
     * the http fallback are chosen per connection to a host, not per repository, and an insecure namespace entry
     * must still let image-syncer's configuration reach its repositories.
     */
    public boolean isInsecure(String registry) {
        String host = host(registry);
        String prefix = host + "/";
        return entries.entrySet().stream()
                .filter(entry -> entry.getKey().equals(host) || entry.getKey().startsWith(prefix))
                .anyMatch(entry -> entry.getValue().insecure());
    }

    /** The CA file given for {@code registry} (its host key, or a namespace key under it), if any. */
    public Optional<Path> caFile(String registry) {
        String host = host(registry);
        String prefix = host + "/";
        return entries.entrySet().stream()
                .filter(entry -> entry.getKey().equals(host) || entry.getKey().startsWith(prefix))
                .map(entry -> entry.getValue().ca())
                .filter(java.util.Objects::nonNull)
                .findFirst();
    }

    @Override
    public String toString() {
        return "AuthConfig" + entries;
    }

    private static String normaliseKey(String key) {
        String text = key.strip();
        if (text.contains("://")) {
            throw new IllegalArgumentException("write the registry without a scheme, e.g. quay.io or quay.io/namespace");
        }
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        int slash = text.indexOf('/');
        String host = host(slash < 0 ? text : text.substring(0, slash));
        // Repository checks the host and path grammar; a key that breaks it could never match any image.
        if (slash < 0) {
            new Repository(host, "x");
            return host;
        }
        return new Repository(host, text.substring(slash + 1)).toString();
    }

    private static String host(String registry) {
        return Repository.normaliseRegistry(registry.toLowerCase(Locale.ROOT));
    }

    private static RegistryAuth entry(JsonNode value, String fileName, String key, EnvironmentExpander expander) {
        if (value == null || value.isNull()) {
            return new RegistryAuth("", "", false);
        }
        if (!value.isObject()) {
            throw ConfigException.atEntry(fileName, key,
                    "expected a map of username, password, insecure, ca, found " + Nodes.describe(value));
        }
        for (String field : (Iterable<String>) value::fieldNames) {
            if (!FIELDS.contains(field)) {
                throw ConfigException.atEntry(fileName, key,
                        "unknown field " + ConfigException.quote(field)
                                + " (expected username, password, insecure, ca)");
            }
        }
        String username = expander.expand(string(value, "username", fileName, key),
                fileName + ": entry \"" + key + "\", field username");
        String password = expander.expandSecret(string(value, "password", fileName, key),
                fileName + ": entry \"" + key + "\", field password");
        JsonNode insecure = value.get("insecure");
        if (insecure != null && !insecure.isNull() && !insecure.isBoolean()) {
            throw ConfigException.atEntry(fileName, key,
                    "insecure must be true or false, found " + Nodes.describe(insecure));
        }
        return new RegistryAuth(username, password, insecure != null && insecure.asBoolean(false),
                caFile(value, fileName, key));
    }

    /** The {@code ca} file, relative to the auth file's folder; it must exist. */
    private static Path caFile(JsonNode entry, String fileName, String key) {
        String ca = string(entry, "ca", fileName, key);
        if (ca.isEmpty()) {
            return null;
        }
        Path folder = Path.of(fileName).toAbsolutePath().getParent();
        Path file = folder != null ? folder.resolve(ca) : Path.of(ca);
        if (!Files.isRegularFile(file)) {
            throw ConfigException.atEntry(fileName, key, "ca file " + ConfigException.quote(ca) + " not found");
        }
        return file;
    }

    private static String string(JsonNode entry, String field, String fileName, String key) {
        JsonNode value = entry.get(field);
        if (value == null || value.isNull()) {
            return "";
        }
        if (!value.isTextual()) {
            // YAML reads 0123 as a number (83): quoting keeps the text as written.
            throw ConfigException.atEntry(fileName, key,
                    field + " must be a string, found " + Nodes.describe(value) + " (put it in quotes)");
        }
        return value.textValue();
    }
}

package dev.imagesyncer.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagesyncer.registry.Repository;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a run syncs: the auth entries and the image rules, from {@code --auth} and {@code --images}, or from a legacy
 * combined {@code --config} file ({@code {auth: ..., images: ...}}), which wins over the other two when given.
 */
public record SyncConfig(AuthConfig auth, ImagesConfig images) {

    private static final String EXPECTED = "a map with \"auth\" and \"images\" keys";

    public SyncConfig {
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(images, "images");
    }

    /**
     * Loads the configuration.
     *
     * @param configFile legacy {@code --config}, or null; when given, {@code authFile} and {@code imagesFile} are
     *                   not read (the caller may warn that they are ignored)
     * @param authFile   {@code --auth}, or null for no auth entries
     * @param imagesFile {@code --images}, required unless {@code configFile} is given
     * @throws ConfigException for any problem, naming the file and entry
     */
    public static SyncConfig load(Path configFile, Path authFile, Path imagesFile, Map<String, String> env,
                                  DefaultDestination defaults) {
        if (configFile != null) {
            return loadLegacy(configFile, env, defaults);
        }
        if (imagesFile == null) {
            throw new ConfigException("neither --images, --src/--dest nor --config is given");
        }
        AuthConfig auth = authFile == null ? AuthConfig.empty() : AuthConfig.load(authFile, env);
        return new SyncConfig(auth, ImagesConfig.load(imagesFile, env, defaults));
    }

    private static SyncConfig loadLegacy(Path configFile, Map<String, String> env, DefaultDestination defaults) {
        String name = configFile.toString();
        ObjectNode root = ConfigFormat.readMap(configFile, EXPECTED);
        for (String key : (Iterable<String>) root::fieldNames) {
            if (!key.equals("auth") && !key.equals("images")) {
                throw ConfigException.inFile(name,
                        "unknown key " + ConfigException.quote(key) + " (expected auth, images)");
            }
        }
        JsonNode images = root.get("images");
        if (images == null || images.isNull()) {
            throw ConfigException.inFile(name, "no \"images\" section");
        }
        if (!images.isObject()) {
            throw ConfigException.inFile(name, "\"images\": expected " + ImagesConfig.EXPECTED
                    + ", found " + Nodes.describe(images));
        }
        JsonNode authSection = root.get("auth");
        AuthConfig auth;
        if (authSection == null || authSection.isNull()) {
            auth = AuthConfig.empty();
        } else if (!authSection.isObject()) {
            throw ConfigException.inFile(name, "\"auth\": expected " + AuthConfig.EXPECTED
                    + ", found " + Nodes.describe(authSection));
        } else {
            // image-syncer expands credentials only from --auth files; a legacy file's "$" is literal, and
            // expanding it here would break Harbor robot accounts that work with image-syncer.
            auth = AuthConfig.fromTree(authSection, name, EnvironmentExpander.none());
        }
        return new SyncConfig(auth, ImagesConfig.fromTree(images, name, env, defaults));
    }

    /**
     * Cluster mode: an OCI layout or archive is on this machine's disk, which the other instances, which copy most
     * of the run, can neither read nor write.
     *
     * @throws ConfigException naming the rule, the layout and what to do
     */
    public void refuseLayouts() {
        List<SyncRule> rules = images.rules();
        for (int i = 0; i < rules.size(); i++) {
            SyncRule rule = rules.get(i);
            List<String> named = new java.util.ArrayList<>(List.of(rule.sourceRepository().registry()));
            named.addAll(rule.destinationNames());
            for (String layout : named) {
                if (Repository.namesLayout(layout)) {
                    throw new ConfigException("rule " + (i + 1) + ": " + layout + " is on this machine's disk, "
                            + "which the other instances of the cluster cannot reach: copy from or to an OCI layout "
                            + "or archive without sync.cluster.brokerUrl");
                }
            }
        }
    }
}

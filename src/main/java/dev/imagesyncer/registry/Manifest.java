package dev.imagesyncer.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A manifest exactly as a registry served it: the raw bytes, their media type and their digest. A mirror pushes
 * these bytes unchanged; the JSON is parsed only to find what the manifest refers to.
 */
public record Manifest(byte[] bytes, String mediaType, Digest digest) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public Manifest {
        if (!MediaTypes.isManifest(mediaType)) {
            throw new IllegalArgumentException("unsupported manifest media type '" + mediaType + "'");
        }
    }

    /** Wraps bytes whose digest is their sha256, as for every manifest but signed schema1. */
    public static Manifest of(byte[] bytes, String mediaType) {
        return new Manifest(bytes, mediaType, Digest.sha256(bytes));
    }

    public boolean isIndex() {
        return MediaTypes.isIndex(mediaType);
    }

    /**
     * Every entry of an index's {@code manifests}, in its order; empty for an image manifest. Most are manifests
     * ({@link #children()}); some indexes list blobs there too (a BuildKit registry cache lists its layers and its
     * {@code application/vnd.buildkit.cacheconfig.v0}), which are {@link #blobs()}.
     */
    public List<Descriptor> entries() {
        if (!isIndex()) {
            return List.of();
        }
        List<Descriptor> entries = new ArrayList<>();
        for (JsonNode entry : json().path("manifests")) {
            entries.add(descriptor(entry));
        }
        return entries;
    }

    /**
     * The child manifests of an index, in the order the index lists them: its entries whose media type is a
     * manifest's (or not given); empty for an image manifest.
     */
    public List<Descriptor> children() {
        return entries().stream().filter(Manifest::isManifestEntry).toList();
    }

    /**
     * The blobs of an image manifest, config first, or the entries of an index that are not manifests; without
     * duplicates. Schema1 manifests name layers by {@code blobSum} only, so their sizes are unknown (-1).
     */
    public List<Descriptor> blobs() {
        if (isIndex()) {
            Map<Digest, Descriptor> blobs = new LinkedHashMap<>();
            entries().stream().filter(entry -> !isManifestEntry(entry))
                    .forEach(entry -> blobs.putIfAbsent(entry.digest(), entry));
            return List.copyOf(blobs.values());
        }
        JsonNode root = json();
        Map<Digest, Descriptor> blobs = new LinkedHashMap<>();
        if (MediaTypes.isSchema1(mediaType)) {
            for (JsonNode layer : root.path("fsLayers")) {
                Digest digest = Digest.parse(layer.path("blobSum").asText());
                blobs.putIfAbsent(digest, Descriptor.of(null, digest, -1));
            }
            return List.copyOf(blobs.values());
        }
        if (!root.path("config").isMissingNode()) {
            Descriptor config = descriptor(root.path("config"));
            blobs.put(config.digest(), config);
        }
        for (JsonNode layer : root.path("layers")) {
            Descriptor descriptor = descriptor(layer);
            blobs.putIfAbsent(descriptor.digest(), descriptor);
        }
        return List.copyOf(blobs.values());
    }

    /** The {@code config} descriptor of an image manifest (not schema 1, not an index), if it has one. */
    public Optional<Descriptor> config() {
        if (isIndex() || MediaTypes.isSchema1(mediaType)) {
            return Optional.empty();
        }
        JsonNode config = json().path("config");
        return config.isObject() ? Optional.of(descriptor(config)) : Optional.empty();
    }

    /**
     * The manifest this one refers to ({@code subject}, OCI image spec 1.1): set on signatures, SBOMs and
     * attestations, which are then its referrers.
     */
    public Optional<Descriptor> subject() {
        JsonNode subject = json().path("subject");
        return subject.isObject() ? Optional.of(descriptor(subject)) : Optional.empty();
    }

    /**
     * What kind of artifact this manifest is, as referrers lists say it: its {@code artifactType}, else its
     * config's media type (OCI distribution spec 1.1, "Listing Referrers").
     */
    public Optional<String> artifactType() {
        JsonNode root = json();
        if (root.path("artifactType").isTextual()) {
            return Optional.of(root.path("artifactType").asText());
        }
        JsonNode configType = root.path("config").path("mediaType");
        return configType.isTextual() ? Optional.of(configType.asText()) : Optional.empty();
    }

    /** The manifest's own {@code annotations}, in their order; empty when it has none. */
    public Map<String, String> annotations() {
        Map<String, String> annotations = new LinkedHashMap<>();
        json().path("annotations").fields().forEachRemaining(field ->
                annotations.put(field.getKey(), field.getValue().asText()));
        return annotations;
    }

    /** The {@code mediaType} field of the JSON, or null when the manifest does not carry one (OCI allows that). */
    public String declaredMediaType() {
        JsonNode field = json().path("mediaType");
        return field.isTextual() ? field.asText() : null;
    }

    private JsonNode json() {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("manifest " + digest + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    private static Descriptor descriptor(JsonNode node) {
        JsonNode platform = node.path("platform");
        List<String> urls = new ArrayList<>();
        node.path("urls").forEach(url -> urls.add(url.asText()));
        return new Descriptor(
                node.path("mediaType").isTextual() ? node.path("mediaType").asText() : null,
                Digest.parse(node.path("digest").asText()),
                node.path("size").asLong(-1),
                platform.isObject() ? new Platform(text(platform, "os"), text(platform, "architecture"),
                        text(platform, "variant"), text(platform, "os.version")) : null,
                urls);
    }

    /** An index entry that is a manifest: a manifest media type, or none (read as one, as registries do). */
    private static boolean isManifestEntry(Descriptor entry) {
        return entry.mediaType() == null || MediaTypes.isManifest(entry.mediaType());
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() ? value.asText() : null;
    }
}

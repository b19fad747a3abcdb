package dev.imagesyncer.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    /** The child manifests of an index, in the order the index lists them; empty for an image manifest. */
    public List<Descriptor> children() {
        if (!isIndex()) {
            return List.of();
        }
        List<Descriptor> children = new ArrayList<>();
        for (JsonNode entry : json().path("manifests")) {
            children.add(descriptor(entry));
        }
        return children;
    }

    /**
     * The blobs of an image manifest, config first, without duplicates; empty for an index. Schema1 manifests
     * name layers by {@code blobSum} only, so their sizes are unknown (-1).
     */
    public List<Descriptor> blobs() {
        if (isIndex()) {
            return List.of();
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

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() ? value.asText() : null;
    }
}

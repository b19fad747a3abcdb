package dev.imagesyncer.layout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagesyncer.registry.Descriptor;
import dev.imagesyncer.registry.Digest;
import dev.imagesyncer.registry.Manifest;
import dev.imagesyncer.registry.MediaTypes;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code index.json} of an OCI image layout (image-layout specification, "index.json file"): an image index
 * whose entries are the layout's manifests, named by the {@value #REF_NAME} annotation or untagged (a referrer).
 * A value: {@link #with} returns a new index; the fields this tool does not know are kept as they were read.
 */
public final class LayoutIndex {

    /** The annotation of an {@code index.json} entry that names it (OCI image-spec annotations.md). */
    public static final String REF_NAME = "org.opencontainers.image.ref.name";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode json;

    private LayoutIndex(ObjectNode json) {
        this.json = json;
    }

    /** The index of a new layout: no entries. */
    public static LayoutIndex empty() {
        ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_INDEX);
        index.putArray("manifests");
        return new LayoutIndex(index);
    }

    /**
     * Reads an {@code index.json}.
     *
     * @param where names the file in the error
     * @throws IOException when the bytes are not an image index (JSON with a {@code manifests} array)
     */
    public static LayoutIndex parse(byte[] bytes, String where) throws IOException {
        JsonNode index;
        try {
            index = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IOException(where + " is not JSON: " + e.getMessage(), e);
        }
        if (!(index instanceof ObjectNode object) || !index.path("manifests").isArray()) {
            throw new IOException(where + " is not an OCI image index (no manifests array)");
        }
        return new LayoutIndex(object);
    }

    /** The index as {@code index.json} holds it: pretty-printed JSON. */
    public byte[] toBytes() throws IOException {
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json);
    }

    /** The entries, in the index's order. */
    public List<Descriptor> entries() {
        List<Descriptor> entries = new ArrayList<>();
        json.path("manifests").forEach(entry -> entries.add(descriptor(entry)));
        return entries;
    }

    /** The ref names of the entries, in the index's order; untagged entries left out. */
    public List<String> refNames() {
        List<String> names = new ArrayList<>();
        json.path("manifests").forEach(entry -> {
            String name = refName(entry);
            if (name != null) {
                names.add(name);
            }
        });
        return names;
    }

    /** The entries without a ref name (referrers, as this tool writes them), in the index's order. */
    public List<Descriptor> untagged() {
        List<Descriptor> entries = new ArrayList<>();
        json.path("manifests").forEach(entry -> {
            if (refName(entry) == null) {
                entries.add(descriptor(entry));
            }
        });
        return entries;
    }

    /** The entry named {@code refName}, when there is one. */
    public Optional<Descriptor> find(String refName) {
        for (JsonNode entry : json.path("manifests")) {
            if (refName.equals(refName(entry))) {
                return Optional.of(descriptor(entry));
            }
        }
        return Optional.empty();
    }

    /**
     * This index with {@code manifest} as the entry named {@code refName} (replacing an entry of that name), or,
     * for {@code refName} null, as an untagged entry (added once). An untagged referrer keeps the manifest's
     * {@code artifactType}, as a referrers listing does.
     */
    public LayoutIndex with(Manifest manifest, String refName) {
        ObjectNode index = json.deepCopy();
        ArrayNode kept = JSON.createArrayNode();
        boolean present = false;
        for (JsonNode entry : json.path("manifests")) {
            String name = refName(entry);
            present |= refName == null && name == null
                    && manifest.digest().toString().equals(entry.path("digest").asText());
            if (refName == null || !refName.equals(name)) {
                kept.add(entry);
            }
        }
        if (!present) {
            ObjectNode entry = kept.addObject().put("mediaType", manifest.mediaType())
                    .put("digest", manifest.digest().toString()).put("size", manifest.bytes().length);
            if (refName != null) {
                entry.putObject("annotations").put(REF_NAME, refName);
            } else if (manifest.subject().isPresent()) {
                manifest.artifactType().ifPresent(type -> entry.put("artifactType", type));
            }
        }
        index.set("manifests", kept);
        return new LayoutIndex(index);
    }

    private static String refName(JsonNode entry) {
        String name = entry.path("annotations").path(REF_NAME).asText("");
        return name.isEmpty() ? null : name;
    }

    private static Descriptor descriptor(JsonNode entry) {
        return Descriptor.of(entry.path("mediaType").asText(), Digest.parse(entry.path("digest").asText()),
                entry.path("size").asLong(-1));
    }
}

package dev.imagesyncer.copy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagesyncer.registry.Descriptor;
import dev.imagesyncer.registry.Manifest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * Keeps the entries of an index that a {@link PlatformFilter} matches. The only place where a manifest is
 * rewritten: when entries are dropped the index gets new bytes and so a new digest; when all stay, the
 * original bytes are kept.
 */
final class IndexFilter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private IndexFilter() {
    }

    /** The filtered index, or empty when no entry matches. */
    static Optional<Manifest> apply(Manifest index, PlatformFilter filter) {
        List<Descriptor> children = index.children();
        List<Boolean> keep = children.stream().map(child -> filter.matches(child.platform())).toList();
        if (!keep.contains(true)) {
            return Optional.empty();
        }
        if (!keep.contains(false)) {
            return Optional.of(index);
        }
        try {
            ObjectNode root = (ObjectNode) JSON.readTree(index.bytes());
            ArrayNode kept = JSON.createArrayNode();
            JsonNode entries = root.path("manifests");
            for (int i = 0; i < entries.size(); i++) {
                if (keep.get(i)) {
                    kept.add(entries.get(i));
                }
            }
            root.set("manifests", kept);
            return Optional.of(Manifest.of(JSON.writeValueAsBytes(root), index.mediaType()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot filter index " + index.digest(), e);
        }
    }
}

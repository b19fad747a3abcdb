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

    /**
     * The filtered index, or empty when no child manifest matches. Entries that are blobs, not manifests, have no
     * platform and are kept.
     */
    static Optional<Manifest> apply(Manifest index, PlatformFilter filter) {
        List<Descriptor> entries = index.entries();
        List<Boolean> keep = entries.stream().map(entry -> filter.matches(entry.platform())).toList();
        if (!index.children().isEmpty() && index.children().stream().noneMatch(child -> filter.matches(child.platform()))) {
            return Optional.empty();
        }
        if (!keep.contains(false)) {
            return Optional.of(index);
        }
        try {
            ObjectNode root = (ObjectNode) JSON.readTree(index.bytes());
            ArrayNode kept = JSON.createArrayNode();
            JsonNode listed = root.path("manifests");
            for (int i = 0; i < listed.size(); i++) {
                if (keep.get(i)) {
                    kept.add(listed.get(i));
                }
            }
            root.set("manifests", kept);
            return Optional.of(Manifest.of(JSON.writeValueAsBytes(root), index.mediaType()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot filter index " + index.digest(), e);
        }
    }
}

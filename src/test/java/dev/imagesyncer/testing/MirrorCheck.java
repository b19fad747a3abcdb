package dev.imagesyncer.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Looks at a mirror as a puller would: every manifest a tag leads to (index children included) and every blob those
 * manifests name must be in the registry. A tag that is absent is fine (its image failed and is reported); a tag
 * that leads to something missing is a broken mirror.
 */
public final class MirrorCheck {

    private static final ObjectMapper JSON = new ObjectMapper();

    private MirrorCheck() {
    }

    /** What the present tags of {@code repository} refer to but the registry lacks, as "repo:tag -> digest". */
    public static List<String> danglingReferences(RegistryEndpoint registry, String repository,
                                                  Collection<String> tags) {
        RegistrySeeder registryApi = RegistrySeeder.of(registry);
        List<String> dangling = new ArrayList<>();
        for (String tag : tags) {
            registryApi.fetchManifest(repository, tag).ifPresent(manifest ->
                    collectMissing(registryApi, repository, repository + ":" + tag, manifest, dangling));
        }
        return dangling;
    }

    private static void collectMissing(RegistrySeeder registryApi, String repository, String tag, byte[] manifest,
                                       List<String> dangling) {
        JsonNode tree;
        try {
            tree = JSON.readTree(manifest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (JsonNode child : tree.path("manifests")) {
            String digest = child.path("digest").asText();
            String mediaType = child.path("mediaType").asText("");
            if (!mediaType.isEmpty() && !mediaType.endsWith("+json") && !mediaType.endsWith("+prettyjws")) {
                if (!registryApi.blobExists(repository, digest)) {
                    dangling.add(tag + " -> blob " + digest); // an index entry that is a blob (a BuildKit cache)
                }
                continue;
            }
            Optional<byte[]> childManifest = registryApi.fetchManifest(repository, digest);
            if (childManifest.isEmpty()) {
                dangling.add(tag + " -> manifest " + digest);
            } else {
                collectMissing(registryApi, repository, tag, childManifest.get(), dangling);
            }
        }
        List<JsonNode> blobs = new ArrayList<>();
        if (tree.has("config")) {
            blobs.add(tree.path("config"));
        }
        tree.path("layers").forEach(blobs::add);
        for (JsonNode blob : blobs) {
            String digest = blob.path("digest").asText();
            if (!registryApi.blobExists(repository, digest)) {
                dangling.add(tag + " -> blob " + digest);
            }
        }
    }
}

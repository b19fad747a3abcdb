package dev.imagesyncer.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A list of referrers as registries serve it: an OCI image index whose {@code manifests} are the referrers'
 * descriptors, each with its {@code artifactType} and {@code annotations}. The referrers API answers with one
 * (OCI distribution spec 1.1, "Listing Referrers"); registries without that API keep one under the tag of the
 * referrers tag schema, {@code <alg>-<hex>} of the subject digest ("Referrers Tag Schema"), which a client that
 * pushes a referrer there updates ("Pushing Manifests with Subject").
 */
public final class ReferrersIndex {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The suffixes of cosign's tags of an image: its signatures, attestations and SBOMs. */
    public static final List<String> COSIGN_SUFFIXES = List.of(".sig", ".att", ".sbom");
    /** A tag of the referrers tag schema ({@code sha256-<hex>}) or cosign's ({@code sha256-<hex>.sig}). */
    private static final Pattern REFERRER_TAG =
            Pattern.compile("(sha256|sha512)-([0-9a-f]{64,128})(\\.(sig|att|sbom))?");

    private ReferrersIndex() {
    }

    /**
     * The tag under which a registry without the referrers API lists the referrers of {@code subject}:
     * {@code <alg>-<ref>}, the algorithm cut to 32 characters and the hex to 64 ("Referrers Tag Schema").
     */
    public static String fallbackTag(Digest subject) {
        String algorithm = subject.algorithm();
        String hex = subject.hex();
        return (algorithm.length() > 32 ? algorithm.substring(0, 32) : algorithm) + "-"
                + (hex.length() > 64 ? hex.substring(0, 64) : hex);
    }

    /**
     * True for a tag that names an image by its digest to list its referrers: the referrers tag schema's
     * ({@code sha256-<hex>}) or cosign's ({@code sha256-<hex>.sig|.att|.sbom}). Such tags travel with their image.
     */
    public static boolean isReferrerTag(String tag) {
        return REFERRER_TAG.matcher(tag).matches();
    }

    /**
     * The digest a referrer tag ({@link #isReferrerTag}) names, when it names a whole one; empty otherwise (another
     * tag, or a digest the tag schema cut short).
     */
    public static Optional<Digest> subjectOf(String tag) {
        Matcher matcher = REFERRER_TAG.matcher(tag);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Digest(matcher.group(1), matcher.group(2)));
        } catch (IllegalArgumentException cutShort) {
            return Optional.empty();
        }
    }

    /**
     * The referrers an index lists, in its order.
     *
     * @throws IllegalArgumentException when the bytes are not a JSON object or an entry has no valid digest
     */
    public static List<Referrer> parse(byte[] index) {
        List<Referrer> referrers = new ArrayList<>();
        for (JsonNode entry : read(index).path("manifests")) {
            Map<String, String> annotations = new LinkedHashMap<>();
            entry.path("annotations").fields().forEachRemaining(field ->
                    annotations.put(field.getKey(), field.getValue().asText()));
            referrers.add(new Referrer(text(entry, "mediaType"), Digest.parse(entry.path("digest").asText()),
                    entry.path("size").asLong(-1), text(entry, "artifactType"), annotations));
        }
        return referrers;
    }

    /**
     * The index {@code existing} (the bytes under the fallback tag, or empty when there is none) with the
     * referrers it lacks appended: its own entries stay as they are, each digest is listed once. Empty when
     * nothing is to be added, so that an index already complete is not pushed again.
     *
     * @throws IllegalArgumentException when {@code existing} is not a JSON object
     */
    public static Optional<Manifest> merge(Optional<byte[]> existing, List<Referrer> referrers) {
        ObjectNode index = existing.isPresent() && read(existing.get()) instanceof ObjectNode read ? read
                : emptyIndex();
        if (!index.path("manifests").isArray()) {
            index.putArray("manifests");
        }
        ArrayNode manifests = (ArrayNode) index.get("manifests");
        Set<String> listed = new HashSet<>();
        manifests.forEach(entry -> listed.add(entry.path("digest").asText()));
        boolean added = false;
        for (Referrer referrer : referrers) {
            if (listed.add(referrer.digest().toString())) {
                manifests.add(descriptor(referrer));
                added = true;
            }
        }
        if (!added) {
            return Optional.empty();
        }
        try {
            return Optional.of(Manifest.of(JSON.writeValueAsBytes(index), MediaTypes.OCI_INDEX));
        } catch (IOException e) {
            throw new IllegalStateException("writing a referrers index failed", e);
        }
    }

    private static ObjectNode emptyIndex() {
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", MediaTypes.OCI_INDEX);
        index.putArray("manifests");
        return index;
    }

    private static ObjectNode descriptor(Referrer referrer) {
        ObjectNode node = JSON.createObjectNode();
        node.put("mediaType", referrer.mediaType());
        node.put("digest", referrer.digest().toString());
        node.put("size", referrer.size());
        if (referrer.artifactType() != null) {
            node.put("artifactType", referrer.artifactType());
        }
        if (!referrer.annotations().isEmpty()) {
            ObjectNode annotations = node.putObject("annotations");
            new java.util.TreeMap<>(referrer.annotations()).forEach(annotations::put);
        }
        return node;
    }

    private static JsonNode read(byte[] bytes) {
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("a referrers list is a JSON object (an OCI image index)");
            }
            return node;
        } catch (IOException e) {
            throw new IllegalArgumentException("a referrers list is not valid JSON: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() ? value.asText() : null;
    }
}

package dev.imagesyncer.testing;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An image as exact bytes, made by {@link TestImages}. Being a record of arrays, {@code equals} compares the
 * arrays by identity: compare {@link #digest()} or {@link #manifest()} contents instead.
 *
 * @param mediaType the manifest's media type (the {@code Content-Type} to push it with)
 * @param manifest  the exact manifest bytes to push
 * @param digest    the manifest digest the registry reports ({@code sha256} of {@code manifest}; for a signed
 *                  schema1 manifest, of its payload without signatures)
 * @param blobs     the blobs this manifest references directly, digest to bytes in push order (config first);
 *                  empty for an index or manifest list
 * @param children  the manifests an index or manifest list references, in order; empty for an image manifest
 */
public record TestImage(String mediaType, byte[] manifest, String digest, Map<String, byte[]> blobs,
                        List<TestImage> children) {

    public TestImage {
        blobs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(blobs));
        children = List.copyOf(children);
    }

    /** True for a manifest list or an OCI index. */
    public boolean isIndex() {
        return !children.isEmpty();
    }

    /** The manifest as UTF-8 text. */
    public String manifestText() {
        return new String(manifest, StandardCharsets.UTF_8);
    }

    /** Every blob of this image and of its children, digest to bytes, without duplicates. */
    public Map<String, byte[]> allBlobs() {
        Map<String, byte[]> all = new LinkedHashMap<>();
        children.forEach(child -> all.putAll(child.allBlobs()));
        all.putAll(blobs);
        return all;
    }

    /** Total bytes of {@link #allBlobs()}. */
    public long totalBlobBytes() {
        return allBlobs().values().stream().mapToLong(b -> b.length).sum();
    }

    @Override
    public String toString() {
        return "TestImage[" + mediaType + " " + digest + ", " + blobs.size() + " blobs, " + children.size()
                + " children]";
    }
}

package dev.imagesyncer.registry;

import java.util.List;

/**
 * A reference from a manifest to a blob or a child manifest. {@code size} is -1 when the manifest does not say it
 * (schema1); {@code platform} is set on index entries only; {@code urls} marks foreign layers served elsewhere.
 */
public record Descriptor(String mediaType, Digest digest, long size, Platform platform, List<String> urls) {

    public Descriptor {
        urls = urls == null ? List.of() : List.copyOf(urls);
    }

    public static Descriptor of(String mediaType, Digest digest, long size) {
        return new Descriptor(mediaType, digest, size, null, List.of());
    }

    /**
     * Foreign (non-distributable) layers are fetched by clients from their URLs and never pushed to a registry.
     * The media type says so; {@code urls} alone does not (OCI allows them on ordinary layers as extra sources).
     */
    @com.fasterxml.jackson.annotation.JsonIgnore // derived, not a field of the descriptor's JSON
    public boolean isForeign() {
        return mediaType != null && (mediaType.contains(".foreign.") || mediaType.contains("nondistributable"));
    }
}

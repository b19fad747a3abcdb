package dev.imagesyncer.registry;

import java.util.Map;
import java.util.Objects;

/**
 * A manifest that refers to another through its {@code subject} (a signature, an SBOM, an attestation), as the
 * descriptor a referrers list holds for it (OCI distribution spec 1.1, "Listing Referrers"; image spec,
 * "Image Index" and "Manifest": {@code subject}, {@code artifactType}).
 *
 * @param mediaType    the referrer manifest's media type
 * @param digest       its digest
 * @param size         its size in bytes
 * @param artifactType its {@code artifactType}, or without one its config's media type; null when it has neither
 * @param annotations  its annotations (empty when none)
 */
public record Referrer(String mediaType, Digest digest, long size, String artifactType,
                       Map<String, String> annotations) {

    public Referrer {
        Objects.requireNonNull(digest, "digest");
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    /** The descriptor of {@code manifest} in a referrers list: its artifact type and annotations come along. */
    public static Referrer of(Manifest manifest) {
        return new Referrer(manifest.mediaType(), manifest.digest(), manifest.bytes().length,
                manifest.artifactType().orElse(null), manifest.annotations());
    }

    /** The descriptor to HEAD, GET and copy the referrer manifest by. */
    public Descriptor descriptor() {
        return Descriptor.of(mediaType, digest, size);
    }
}

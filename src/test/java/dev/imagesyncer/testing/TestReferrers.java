package dev.imagesyncer.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Signatures, SBOMs and attestations as tools push them, for tests: OCI 1.1 artifact manifests whose
 * {@code subject} names another manifest (as {@code oras attach}, {@code notation sign} and buildx do), the index
 * of the referrers tag schema that such tools keep under {@code sha256-<hex>} on a registry without the referrers
 * API, and cosign's signature manifest (pushed under the tag {@code sha256-<hex>.sig}).
 */
public final class TestReferrers {

    /** The empty config of OCI 1.1 artifacts: {@code {}}. */
    public static final String EMPTY_CONFIG_TYPE = "application/vnd.oci.empty.v1+json";
    public static final String NOTATION_SIGNATURE = "application/vnd.cncf.notary.signature";
    public static final String SPDX = "application/spdx+json";

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private TestReferrers() {
    }

    /** An artifact: its manifest bytes and digest, and its blobs (digest to bytes, config first). */
    public record Artifact(byte[] manifest, String digest, String artifactType, Map<String, byte[]> blobs) {

        /** Pushes the blobs, then the manifest by digest; returns the digest. */
        public String pushTo(RegistrySeeder registry, String repository) {
            blobs.values().forEach(blob -> registry.pushBlob(repository, blob));
            registry.pushManifest(repository, digest, TestImages.OCI_MANIFEST, manifest);
            return digest;
        }

        /** Its descriptor in a referrers list (with artifactType and annotations, as the spec wants). */
        public String descriptor() {
            return "{\"mediaType\":\"" + TestImages.OCI_MANIFEST + "\",\"digest\":\"" + digest + "\",\"size\":"
                    + manifest.length + ",\"artifactType\":\"" + artifactType
                    + "\",\"annotations\":{\"org.opencontainers.image.created\":\"2024-01-01T00:00:00Z\"}}";
        }
    }

    /**
     * An OCI 1.1 artifact of {@code artifactType} with {@code payload} as its one layer, referring to the manifest
     * {@code subjectDigest} ({@code subjectMediaType}, {@code subjectSize} bytes).
     */
    public static Artifact artifact(String artifactType, String payload, String subjectMediaType,
                                    String subjectDigest, long subjectSize) {
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        byte[] layer = payload.getBytes(StandardCharsets.UTF_8);
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + TestImages.OCI_MANIFEST + "\",\"artifactType\":\""
                + artifactType + "\",\"config\":{\"mediaType\":\"" + EMPTY_CONFIG_TYPE + "\",\"digest\":\""
                + Digests.sha256(config) + "\",\"size\":2},\"layers\":[{\"mediaType\":\"" + artifactType
                + "+payload\",\"digest\":\"" + Digests.sha256(layer) + "\",\"size\":" + layer.length
                + "}],\"subject\":{\"mediaType\":\"" + subjectMediaType + "\",\"digest\":\"" + subjectDigest
                + "\",\"size\":" + subjectSize + "},\"annotations\":{\"org.opencontainers.image.created\":"
                + "\"2024-01-01T00:00:00Z\"}}";
        byte[] bytes = manifest.getBytes(StandardCharsets.UTF_8);
        TreeMap<String, byte[]> blobs = new TreeMap<>();
        blobs.put(Digests.sha256(config), config);
        blobs.put(Digests.sha256(layer), layer);
        return new Artifact(bytes, Digests.sha256(bytes), artifactType, blobs);
    }

    /** An artifact referring to {@code subject}. */
    public static Artifact artifact(String artifactType, String payload, TestImage subject) {
        return artifact(artifactType, payload, subject.mediaType(), subject.digest(), subject.manifest().length);
    }

    /** An artifact referring to another artifact (a signature of an SBOM). */
    public static Artifact artifact(String artifactType, String payload, Artifact subject) {
        return artifact(artifactType, payload, TestImages.OCI_MANIFEST, subject.digest(), subject.manifest().length);
    }

    /** What {@link #pushSigned} pushed: a notation signature and an SBOM of the image, a signature of the SBOM, cosign's. */
    public record Signed(Artifact signature, Artifact sbom, Artifact sbomSignature, Artifact cosign) {
    }

    /**
     * Signs {@code image} (already in {@code repository}) as a supply chain does on a registry without the referrers
     * API: a notation signature and an SPDX SBOM through the tag schema, a signature of the SBOM, and cosign's
     * signature under {@code sha256-<hex>.sig}.
     */
    public static Signed pushSigned(RegistrySeeder registry, String repository, TestImage image) {
        Artifact signature = artifact(NOTATION_SIGNATURE, "signature of v1", image);
        Artifact sbom = artifact(SPDX, "{\"spdxVersion\":\"SPDX-2.3\"}", image);
        Artifact sbomSignature = artifact(NOTATION_SIGNATURE, "signature of the SBOM", sbom);
        pushWithTagSchema(registry, repository, image.digest(), signature, sbom);
        pushWithTagSchema(registry, repository, sbom.digest(), sbomSignature);
        Artifact cosign = cosignSignature(image);
        cosign.blobs().values().forEach(blob -> registry.pushBlob(repository, blob));
        registry.pushManifest(repository, fallbackTag(image.digest()) + ".sig", TestImages.OCI_MANIFEST,
                cosign.manifest());
        return new Signed(signature, sbom, sbomSignature, cosign);
    }

    /** The tag of the referrers tag schema for {@code digest}: {@code sha256-<hex>}. */
    public static String fallbackTag(String digest) {
        return digest.replace(':', '-');
    }

    /**
     * Does what a tool pushing referrers to a registry without the referrers API does: pushes each artifact, then
     * adds its descriptor to the index under {@code sha256-<hex>} of {@code subjectDigest} (created when missing).
     */
    public static void pushWithTagSchema(RegistrySeeder registry, String repository, String subjectDigest,
                                         Artifact... artifacts) {
        List<String> descriptors = new ArrayList<>();
        Optional<byte[]> existing = registry.fetchManifest(repository, fallbackTag(subjectDigest));
        if (existing.isPresent()) {
            try {
                JSON.readTree(existing.get()).path("manifests").forEach(entry -> descriptors.add(entry.toString()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        for (Artifact artifact : artifacts) {
            artifact.pushTo(registry, repository);
            descriptors.add(artifact.descriptor());
        }
        registry.pushManifest(repository, fallbackTag(subjectDigest), TestImages.OCI_INDEX,
                index(descriptors).getBytes(StandardCharsets.UTF_8));
    }

    private static String index(List<String> descriptors) {
        return "{\"schemaVersion\":2,\"mediaType\":\"" + TestImages.OCI_INDEX + "\",\"manifests\":["
                + String.join(",", descriptors) + "]}";
    }

    /**
     * cosign's signature of {@code subject} as {@code cosign sign} pushes it under {@code sha256-<hex>.sig}: an OCI
     * manifest (image config type) whose layer is the simple-signing payload, the signature in an annotation.
     */
    public static Artifact cosignSignature(TestImage subject) {
        byte[] config = ("{\"architecture\":\"\",\"config\":{},\"created\":\"0001-01-01T00:00:00Z\",\"history\":"
                + "[{\"created\":\"0001-01-01T00:00:00Z\"}],\"os\":\"\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\""
                + ":[]}}").getBytes(StandardCharsets.UTF_8);
        byte[] payload = ("{\"critical\":{\"identity\":{\"docker-reference\":\"example.test/app\"},\"image\":"
                + "{\"docker-manifest-digest\":\"" + subject.digest() + "\"},\"type\":\"cosign container image "
                + "signature\"},\"optional\":null}").getBytes(StandardCharsets.UTF_8);
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + TestImages.OCI_MANIFEST + "\",\"config\":{"
                + "\"mediaType\":\"" + TestImages.OCI_CONFIG + "\",\"size\":" + config.length + ",\"digest\":\""
                + Digests.sha256(config) + "\"},\"layers\":[{\"mediaType\":\"application/vnd.dev.cosign."
                + "simplesigning.v1+json\",\"size\":" + payload.length + ",\"digest\":\"" + Digests.sha256(payload)
                + "\",\"annotations\":{\"dev.cosignproject.cosign/signature\":\"MEUCIQDtest\"}}]}";
        byte[] bytes = manifest.getBytes(StandardCharsets.UTF_8);
        TreeMap<String, byte[]> blobs = new TreeMap<>();
        blobs.put(Digests.sha256(config), config);
        blobs.put(Digests.sha256(payload), payload);
        return new Artifact(bytes, Digests.sha256(bytes), TestImages.OCI_CONFIG, blobs);
    }
}

package dev.imagesyncer.testing;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Makes {@link TestImage}s: manifests written by hand (pretty-printed with 3-space indents, as Docker does, so a
 * client that re-serialises JSON changes the digest) that reference blobs of random bytes with exact sizes and
 * digests. Layers are random bytes, not gzip: the registry never looks inside a layer.
 *
 * <p>The static methods make a fresh random image on each call; {@link #seeded(long)} gives a generator whose
 * images are byte-for-byte the same on every run (schema1 signatures excepted, see
 * {@link Generator#dockerSchema1}).
 */
public final class TestImages {

    public static final String DOCKER_MANIFEST_V2 = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String DOCKER_SCHEMA1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws";
    public static final String DOCKER_SCHEMA1 = "application/vnd.docker.distribution.manifest.v1+json";
    public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    public static final String DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

    private TestImages() {
    }

    /** A random generator (different bytes on each call). */
    public static Generator random() {
        return new Generator(new Random());
    }

    /** A reproducible generator: the same seed and the same calls give the same bytes and digests. */
    public static Generator seeded(long seed) {
        return new Generator(new Random(seed));
    }

    /** See {@link Generator#dockerV2(int, int)}; random bytes. */
    public static TestImage dockerV2(int layers, int layerSize) {
        return random().dockerV2(layers, layerSize);
    }

    /** See {@link Generator#ociManifest(int, int)}; random bytes. */
    public static TestImage ociManifest(int layers, int layerSize) {
        return random().ociManifest(layers, layerSize);
    }

    /** See {@link Generator#dockerManifestList(int, int)}; random bytes. */
    public static TestImage dockerManifestList(int layers, int layerSize) {
        return random().dockerManifestList(layers, layerSize);
    }

    /** See {@link Generator#ociIndex(int, int)}; random bytes. */
    public static TestImage ociIndex(int layers, int layerSize) {
        return random().ociIndex(layers, layerSize);
    }

    /** See {@link Generator#dockerSchema1(String, String, int, int)}; random bytes. */
    public static TestImage dockerSchema1(String repository, String tag, int layers, int layerSize) {
        return random().dockerSchema1(repository, tag, layers, layerSize);
    }

    /**
     * Returns the payload of a signed schema1 manifest: its bytes without the {@code "signatures"} member, as
     * libtrust rebuilds it from the protected header's {@code formatLength} and {@code formatTail}. The schema1
     * digest is the SHA-256 of this payload. Compare payloads, not whole manifests: distribution 2.8 stores only
     * the payload and signs it again with its own key on every GET.
     */
    public static byte[] schema1Payload(byte[] signedManifest) {
        String text = new String(signedManifest, StandardCharsets.UTF_8);
        String protectedHeader = Json.stringValue(text.substring(text.indexOf("\"signatures\"")), "protected");
        if (protectedHeader == null) {
            throw new IllegalArgumentException("not a signed schema1 manifest: " + text);
        }
        String header = new String(Base64.getUrlDecoder().decode(protectedHeader), StandardCharsets.UTF_8);
        int formatLength = (int) Json.longValue(header, "formatLength");
        byte[] tail = Base64.getUrlDecoder().decode(Json.stringValue(header, "formatTail"));
        byte[] payload = Arrays.copyOf(signedManifest, formatLength + tail.length);
        System.arraycopy(tail, 0, payload, formatLength, tail.length);
        return payload;
    }

    /** Makes images from one source of random bytes. Not thread-safe. */
    public static final class Generator {

        private static final String CREATED = "2024-01-01T00:00:00Z";
        private final Random random;

        private Generator(Random random) {
            this.random = random;
        }

        /**
         * A Docker image manifest v2 schema 2: a JSON config blob
         * ({@value TestImages#DOCKER_CONFIG}) and {@code layers} random layers of {@code layerSize} bytes
         * each ({@value TestImages#DOCKER_LAYER_GZIP}), platform linux/amd64.
         */
        public TestImage dockerV2(int layers, int layerSize) {
            return imageManifest(DOCKER_MANIFEST_V2, DOCKER_CONFIG, DOCKER_LAYER_GZIP, layers, layerSize,
                    Platform.AMD64);
        }

        /** An OCI image manifest, otherwise like {@link #dockerV2(int, int)}. */
        public TestImage ociManifest(int layers, int layerSize) {
            return imageManifest(OCI_MANIFEST, OCI_CONFIG, OCI_LAYER_GZIP, layers, layerSize, Platform.AMD64);
        }

        /**
         * A Docker manifest list with two Docker v2 children, linux/amd64 and linux/arm64 variant v8, each with
         * its own config and {@code layers} layers of {@code layerSize} bytes.
         */
        public TestImage dockerManifestList(int layers, int layerSize) {
            return index(DOCKER_MANIFEST_LIST, List.of(
                    imageManifest(DOCKER_MANIFEST_V2, DOCKER_CONFIG, DOCKER_LAYER_GZIP, layers, layerSize,
                            Platform.AMD64),
                    imageManifest(DOCKER_MANIFEST_V2, DOCKER_CONFIG, DOCKER_LAYER_GZIP, layers, layerSize,
                            Platform.ARM64_V8)),
                    List.of(Platform.AMD64, Platform.ARM64_V8));
        }

        /** An OCI image index with two OCI manifest children, otherwise like {@link #dockerManifestList}. */
        public TestImage ociIndex(int layers, int layerSize) {
            return index(OCI_INDEX, List.of(
                    imageManifest(OCI_MANIFEST, OCI_CONFIG, OCI_LAYER_GZIP, layers, layerSize, Platform.AMD64),
                    imageManifest(OCI_MANIFEST, OCI_CONFIG, OCI_LAYER_GZIP, layers, layerSize,
                            Platform.ARM64_V8)),
                    List.of(Platform.AMD64, Platform.ARM64_V8));
        }

        /**
         * A signed Docker schema1 manifest ({@value TestImages#DOCKER_SCHEMA1_SIGNED}) for
         * {@code repository:tag}, with {@code layers} (at least 1) random layers.
         *
         * <p>What distribution 2.8.2 does with schema1, measured: it refuses an <em>unsigned</em> schema1
         * manifest under any content type (400 MANIFEST_INVALID, "missing signature key"), and refuses even a
         * signed one unless the config has {@code compatibility.schema1.enabled: true}
         * ({@link RegistryExtension#withSchema1()}; otherwise 500 UNKNOWN "manifest schema v1 unsupported").
         * So this manifest carries a libtrust JWS signature ({@code RS256} with a {@code jwk} header, key made
         * once per JVM). The registry stores only the payload, answers with {@code Docker-Content-Digest} =
         * sha256 of the payload (this record's {@code digest}, stable across runs for a seeded generator) and
         * on GET returns the payload signed again with its own key and the current time, so the bytes served
         * differ from the bytes pushed (compare with {@link TestImages#schema1Payload(byte[])}).
         */
        public TestImage dockerSchema1(String repository, String tag, int layers, int layerSize) {
            if (layers < 1) {
                throw new IllegalArgumentException("schema1 needs at least one layer");
            }
            Map<String, byte[]> blobs = new LinkedHashMap<>();
            List<String> layerDigests = new ArrayList<>();
            for (int i = 0; i < layers; i++) {
                byte[] layer = randomBytes(layerSize);
                String digest = Digests.sha256(layer);
                blobs.put(digest, layer);
                layerDigests.add(digest);
            }
            // schema1 lists layers top-most first, each with a v1 "history" entry; ids chain through "parent".
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < layers; i++) {
                ids.add(HexFormat.of().formatHex(randomBytes(32)));
            }
            StringBuilder fsLayers = new StringBuilder();
            StringBuilder history = new StringBuilder();
            for (int i = layers - 1; i >= 0; i--) {
                String sep = i == 0 ? "\n" : ",\n";
                fsLayers.append("      {\n         \"blobSum\": ").append(Json.quote(layerDigests.get(i)))
                        .append("\n      }").append(sep);
                String v1 = "{\"id\":\"" + ids.get(i) + "\""
                        + (i > 0 ? ",\"parent\":\"" + ids.get(i - 1) + "\"" : "")
                        + ",\"created\":\"" + CREATED + "\""
                        + (i == layers - 1 ? ",\"architecture\":\"amd64\",\"os\":\"linux\"" : "")
                        + ",\"container_config\":{\"Cmd\":[\"test layer " + i + "\"]}}";
                history.append("      {\n         \"v1Compatibility\": ").append(Json.quote(v1))
                        .append("\n      }").append(sep);
            }
            String payload = "{\n"
                    + "   \"schemaVersion\": 1,\n"
                    + "   \"name\": " + Json.quote(repository) + ",\n"
                    + "   \"tag\": " + Json.quote(tag) + ",\n"
                    + "   \"architecture\": \"amd64\",\n"
                    + "   \"fsLayers\": [\n" + fsLayers + "   ],\n"
                    + "   \"history\": [\n" + history + "   ]\n"
                    + "}";
            byte[] payloadBytes = payload.getBytes(StandardCharsets.UTF_8);
            return new TestImage(DOCKER_SCHEMA1_SIGNED, Schema1Signer.sign(payload), Digests.sha256(payloadBytes),
                    blobs, List.of());
        }

        private TestImage imageManifest(String mediaType, String configType, String layerType, int layers,
                                        int layerSize, Platform platform) {
            Map<String, byte[]> layerBlobs = new LinkedHashMap<>();
            for (int i = 0; i < layers; i++) {
                byte[] layer = randomBytes(layerSize);
                layerBlobs.put(Digests.sha256(layer), layer);
            }
            byte[] config = config(platform, List.copyOf(layerBlobs.keySet()));
            String configDigest = Digests.sha256(config);
            StringBuilder layerList = new StringBuilder();
            int i = 0;
            for (Map.Entry<String, byte[]> layer : layerBlobs.entrySet()) {
                layerList.append(descriptor("      ", layerType, layer.getValue().length, layer.getKey(), null))
                        .append(++i < layers ? ",\n" : "\n");
            }
            String manifest = "{\n"
                    + "   \"schemaVersion\": 2,\n"
                    + "   \"mediaType\": " + Json.quote(mediaType) + ",\n"
                    + "   \"config\": " + descriptor("   ", configType, config.length, configDigest, null).strip()
                    + ",\n"
                    + "   \"layers\": [" + (layers == 0 ? "]\n" : "\n" + layerList + "   ]\n")
                    + "}";
            Map<String, byte[]> blobs = new LinkedHashMap<>();
            blobs.put(configDigest, config);
            blobs.putAll(layerBlobs);
            byte[] bytes = manifest.getBytes(StandardCharsets.UTF_8);
            return new TestImage(mediaType, bytes, Digests.sha256(bytes), blobs, List.of());
        }

        private TestImage index(String mediaType, List<TestImage> children, List<Platform> platforms) {
            StringBuilder entries = new StringBuilder();
            for (int i = 0; i < children.size(); i++) {
                TestImage child = children.get(i);
                entries.append(descriptor("      ", child.mediaType(), child.manifest().length, child.digest(),
                        platforms.get(i))).append(i + 1 < children.size() ? ",\n" : "\n");
            }
            String manifest = "{\n"
                    + "   \"schemaVersion\": 2,\n"
                    + "   \"mediaType\": " + Json.quote(mediaType) + ",\n"
                    + "   \"manifests\": [\n" + entries + "   ]\n"
                    + "}";
            byte[] bytes = manifest.getBytes(StandardCharsets.UTF_8);
            return new TestImage(mediaType, bytes, Digests.sha256(bytes), Map.of(), children);
        }

        private static String descriptor(String indent, String mediaType, long size, String digest,
                                         Platform platform) {
            String in = indent + "   ";
            return indent + "{\n"
                    + in + "\"mediaType\": " + Json.quote(mediaType) + ",\n"
                    + in + "\"size\": " + size + ",\n"
                    + in + "\"digest\": " + Json.quote(digest)
                    + (platform == null ? "" : ",\n" + in + "\"platform\": " + platform.json(in))
                    + "\n" + indent + "}";
        }

        private byte[] config(Platform platform, List<String> layerDigests) {
            StringBuilder history = new StringBuilder();
            for (int i = 0; i < layerDigests.size(); i++) {
                history.append(i == 0 ? "" : ",").append("{\"created\":\"").append(CREATED)
                        .append("\",\"created_by\":\"test layer ").append(i).append("\"}");
            }
            String json = "{\"architecture\":\"" + platform.architecture + "\",\"os\":\"linux\""
                    + (platform.variant == null ? "" : ",\"variant\":\"" + platform.variant + "\"")
                    + ",\"created\":\"" + CREATED + "\""
                    + ",\"config\":{\"Labels\":{\"test.id\":\"" + HexFormat.of().formatHex(randomBytes(8)) + "\"}}"
                    // diff_ids should be digests of the uncompressed layers; the layers are raw bytes here.
                    + ",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":" + Json.stringArray(layerDigests) + "}"
                    + ",\"history\":[" + history + "]}";
            return json.getBytes(StandardCharsets.UTF_8);
        }

        private byte[] randomBytes(int size) {
            byte[] bytes = new byte[size];
            random.nextBytes(bytes);
            return bytes;
        }
    }

    private enum Platform {
        AMD64("amd64", null), ARM64_V8("arm64", "v8");

        final String architecture;
        final String variant;

        Platform(String architecture, String variant) {
            this.architecture = architecture;
            this.variant = variant;
        }

        String json(String indent) {
            String in = indent + "   ";
            return "{\n" + in + "\"architecture\": " + Json.quote(architecture) + ",\n"
                    + in + "\"os\": \"linux\"" + (variant == null ? "" : ",\n" + in + "\"variant\": "
                    + Json.quote(variant)) + "\n" + indent + "}";
        }
    }

    /** Signs schema1 payloads the libtrust way (JWS JSON serialisation folded into the manifest). */
    private static final class Schema1Signer {

        private static final KeyPair KEY = generateKey();

        static byte[] sign(String payload) {
            // formatLength: everything up to the last non-blank character before the closing brace.
            int formatLength = payload.lastIndexOf('}');
            while (Character.isWhitespace(payload.charAt(formatLength - 1))) {
                formatLength--;
            }
            String formatTail = payload.substring(formatLength);
            Base64.Encoder b64u = Base64.getUrlEncoder().withoutPadding();
            String protectedHeader = b64u.encodeToString(("{\"formatLength\":" + formatLength
                    + ",\"formatTail\":\"" + b64u.encodeToString(formatTail.getBytes(StandardCharsets.UTF_8))
                    + "\",\"time\":\"" + Generator.CREATED + "\"}").getBytes(StandardCharsets.UTF_8));
            String signingInput = protectedHeader + "."
                    + b64u.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
            RSAPublicKey publicKey = (RSAPublicKey) KEY.getPublic();
            try {
                Signature rs256 = Signature.getInstance("SHA256withRSA");
                rs256.initSign(KEY.getPrivate());
                rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
                String signature = b64u.encodeToString(rs256.sign());
                String signed = payload.substring(0, formatLength) + ",\n"
                        + "   \"signatures\": [\n"
                        + "      {\n"
                        + "         \"header\": {\n"
                        + "            \"jwk\": {\n"
                        + "               \"kty\": \"RSA\",\n"
                        + "               \"n\": \"" + b64u.encodeToString(unsigned(publicKey.getModulus())) + "\",\n"
                        + "               \"e\": \"" + b64u.encodeToString(unsigned(publicKey.getPublicExponent()))
                        + "\"\n"
                        + "            },\n"
                        + "            \"alg\": \"RS256\"\n"
                        + "         },\n"
                        + "         \"signature\": \"" + signature + "\",\n"
                        + "         \"protected\": \"" + protectedHeader + "\"\n"
                        + "      }\n"
                        + "   ]\n"
                        + "}";
                return signed.getBytes(StandardCharsets.UTF_8);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot sign a schema1 manifest", e);
            }
        }

        private static byte[] unsigned(BigInteger value) {
            byte[] bytes = value.toByteArray();
            return bytes.length > 1 && bytes[0] == 0 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
        }

        private static KeyPair generateKey() {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                return generator.generateKeyPair();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}

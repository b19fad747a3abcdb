package dev.imagesyncer.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Pushes exact bytes into a test registry with plain {@code java.net.http}, independent of the code under test.
 * It authenticates pre-emptively with {@link RegistryEndpoint#adminAuthorization(String)}: nothing for an open
 * registry, Basic with the registry's user and password, or a Bearer token minted directly by the token server
 * with pull,push (so {@link TokenServer#denyAction} does not hinder seeding). Over TLS it trusts only the
 * registry's CA file. Failures throw {@link IllegalStateException} with the registry's answer.
 */
public final class RegistrySeeder {

    private final RegistryEndpoint registry;
    private final HttpClient client;

    private RegistrySeeder(RegistryEndpoint registry) {
        this.registry = registry;
        this.client = TestHttp.client(registry);
    }

    /** A seeder for {@code registry} (a started {@link RegistryExtension}, or a {@link RegistryFront}). */
    public static RegistrySeeder of(RegistryEndpoint registry) {
        return new RegistrySeeder(registry);
    }

    /**
     * Uploads {@code bytes} as a blob of {@code repository} (POST an upload session, then one PUT with
     * {@code digest=}); returns its digest.
     */
    public String pushBlob(String repository, byte[] bytes) {
        String digest = Digests.sha256(bytes);
        HttpResponse<String> started = send(repository, HttpRequest.newBuilder(
                        uri("/v2/" + repository + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()), 202);
        String location = started.headers().firstValue("Location")
                .orElseThrow(() -> new IllegalStateException("upload session without Location"));
        URI upload = registry.baseUri().resolve(location);
        String separator = upload.getRawQuery() == null ? "?" : "&";
        send(repository, HttpRequest.newBuilder(URI.create(upload + separator + "digest=" + digest))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)), 201);
        return digest;
    }

    /**
     * PUTs {@code bytes} as the manifest {@code repository:reference} (a tag or a digest) with
     * {@code Content-Type: mediaType}; returns the {@code Docker-Content-Digest} the registry answered.
     */
    public String pushManifest(String repository, String reference, String mediaType, byte[] bytes) {
        HttpResponse<String> response = send(repository, HttpRequest.newBuilder(
                        uri("/v2/" + repository + "/manifests/" + reference))
                .header("Content-Type", mediaType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)), 201);
        return response.headers().firstValue("Docker-Content-Digest")
                .orElseThrow(() -> new IllegalStateException("manifest PUT without Docker-Content-Digest"));
    }

    /**
     * Pushes a whole image: its blobs, then each child manifest by digest (recursively), then its manifest under
     * {@code tag}; returns the digest the registry answered for the top manifest.
     */
    public String push(String repository, String tag, TestImage image) {
        pushContent(repository, image);
        return pushManifest(repository, tag, image.mediaType(), image.manifest());
    }

    /** Pushes {@code image} once and tags it with each of {@code tags}; returns the manifest digest. */
    public String pushTags(String repository, TestImage image, Collection<String> tags) {
        pushContent(repository, image);
        String digest = null;
        for (String tag : tags) {
            digest = pushManifest(repository, tag, image.mediaType(), image.manifest());
        }
        return digest;
    }

    /** {@code DELETE /v2/<repository>/manifests/<digest>} (the test registries allow deletes): 202. */
    public void deleteManifest(String repository, String digest) {
        send(repository, HttpRequest.newBuilder(uri("/v2/" + repository + "/manifests/" + digest)).DELETE(), 202);
    }

    /** True when {@code HEAD /v2/<repository>/blobs/<digest>} answers 200. */
    public boolean blobExists(String repository, String digest) {
        return send(repository, HttpRequest.newBuilder(uri("/v2/" + repository + "/blobs/" + digest))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()), 200, 404).statusCode() == 200;
    }

    /**
     * GETs a manifest accepting every manifest type this harness makes; empty on 404. The body is the bytes
     * served (for schema1, signed again by the registry).
     */
    public Optional<byte[]> fetchManifest(String repository, String reference) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/v2/" + repository + "/manifests/" + reference))
                .header("Accept", String.join(", ", List.of(TestImages.DOCKER_MANIFEST_V2,
                        TestImages.DOCKER_MANIFEST_LIST, TestImages.OCI_MANIFEST, TestImages.OCI_INDEX,
                        TestImages.DOCKER_SCHEMA1_SIGNED)));
        HttpResponse<byte[]> response = sendBytes(repository, request);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET manifest " + repository + ":" + reference + " answered "
                    + response.statusCode() + ": " + new String(response.body(), StandardCharsets.UTF_8));
        }
        return Optional.of(response.body());
    }

    private void pushContent(String repository, TestImage image) {
        for (byte[] blob : image.blobs().values()) {
            pushBlob(repository, blob);
        }
        for (TestImage child : image.children()) {
            pushContent(repository, child);
            pushManifest(repository, child.digest(), child.mediaType(), child.manifest());
        }
    }

    private URI uri(String path) {
        return registry.baseUri().resolve(path);
    }

    private HttpResponse<String> send(String repository, HttpRequest.Builder request, int... expected) {
        authorize(repository, request);
        HttpRequest built = request.timeout(Duration.ofSeconds(60)).build();
        HttpResponse<String> response;
        try {
            response = client.send(built, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(built.method() + " " + built.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        for (int status : expected) {
            if (response.statusCode() == status) {
                return response;
            }
        }
        throw new IllegalStateException(built.method() + " " + built.uri() + " answered " + response.statusCode()
                + " " + response.headers().map() + ": " + response.body());
    }

    private HttpResponse<byte[]> sendBytes(String repository, HttpRequest.Builder request) {
        authorize(repository, request);
        HttpRequest built = request.timeout(Duration.ofSeconds(60)).build();
        try {
            return client.send(built, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new IllegalStateException(built.method() + " " + built.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void authorize(String repository, HttpRequest.Builder request) {
        String authorization = registry.adminAuthorization(repository);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
    }
}

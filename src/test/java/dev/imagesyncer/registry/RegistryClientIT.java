package dev.imagesyncer.registry;

import dev.imagesyncer.registry.auth.DockerConfigCredentials;
import dev.imagesyncer.testing.RegistryClients;
import dev.imagesyncer.testing.RegistryExtension;
import dev.imagesyncer.testing.RegistryFront;
import dev.imagesyncer.testing.RegistrySeeder;
import dev.imagesyncer.testing.Skopeo;
import dev.imagesyncer.testing.TestImage;
import dev.imagesyncer.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The registry client's calls one by one, against a real registry (and a front where faults are needed). */
class RegistryClientIT {

    @RegisterExtension
    static final RegistryExtension registry = RegistryExtension.open();
    @RegisterExtension
    static final RegistryExtension basic = RegistryExtension.basicAuth("dave", "docker-config-pass");

    @TempDir
    Path dir;

    @Test
    void uploads_large_blobs_in_content_range_chunks() throws Exception {
        byte[] content = new byte[1_000_000];
        new Random(7).nextBytes(content);
        Descriptor blob = Descriptor.of("application/octet-stream", Digest.sha256(content), content.length);
        Repository repository = new Repository(registry.host(), "lab/chunked");
        try (RegistryFront front = RegistryFront.of(registry);
             RegistryClient client = RegistryClients.forEndpoints(s -> s.withChunkedUploads(300_000, 200_000), front)) {

            BlobPushResult pushed = client.pushBlob(new Repository(front.host(), "lab/chunked"), blob,
                    () -> BlobStream.of(new ByteArrayInputStream(content), content.length), null);

            assertThat(pushed.mounted()).isFalse();
            assertThat(pushed.bytes()).isEqualTo(content.length);
            // 1 000 000 bytes = 744 288 in 200 000-byte PATCH chunks (4) + the 256 KiB tail in the PUT
            assertThat(front.requests()).filteredOn(r -> r.method().equals("PATCH")).hasSize(4);
            assertThat(front.requests()).filteredOn(r -> r.method().equals("PUT")).hasSize(1);
        }
        try (RegistryClient client = RegistryClients.forEndpoints(registry);
             BlobStream stored = client.openBlob(repository, blob.digest())) {
            assertThat(stored.content().readAllBytes()).isEqualTo(content);
        }
    }

    @Test
    void server_errors_and_rate_limits_are_transient_with_the_registry_retry_after() throws Exception {
        RegistrySeeder.of(registry).push("lab/flaky", "v1", TestImages.dockerV2(1, 64));
        try (RegistryFront front = RegistryFront.of(registry);
             RegistryClient client = RegistryClients.forEndpoints(front)) {
            ImageReference image = ImageReference.parse(front.host() + "/lab/flaky:v1");
            client.headManifest(image);

            front.failNext(503, 1);
            assertThatThrownBy(() -> client.getManifest(image))
                    .isInstanceOf(TransientRegistryException.class)
                    .hasMessageStartingWith("GET manifest " + image + ": HTTP 503");
            front.failNext(429, 1);
            assertThatThrownBy(() -> client.getManifest(image))
                    .isInstanceOfSatisfying(TransientRegistryException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.TOOMANYREQUESTS);
                        assertThat(e.retryAfter()).contains(Duration.ofSeconds(1));
                    });
            assertThat(client.getManifest(image).mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST_V2);
        }
    }

    @Test
    void a_registry_that_is_down_is_a_transient_error() throws Exception {
        int closedPort;
        try (var socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        ImageReference image = ImageReference.parse("127.0.0.1:" + closedPort + "/lab/gone:v1");
        try (RegistryClient client = new RegistryClient(RegistryClientSettings.defaults(),
                dev.imagesyncer.registry.auth.CredentialSource.NONE)) {
            assertThatThrownBy(() -> client.headManifest(image))
                    .isInstanceOf(TransientRegistryException.class)
                    .hasMessageContaining("HEAD manifest " + image);
        }
    }

    @Test
    void fetches_by_digest_with_verification_and_reports_unknown_manifests() throws Exception {
        TestImage index = TestImages.ociIndex(1, 128);
        RegistrySeeder.of(registry).push("lab/bydigest", "v1", index);
        try (RegistryClient client = RegistryClients.forEndpoints(registry)) {
            Manifest child = client.getManifest(ImageReference.parse(
                    registry.host() + "/lab/bydigest@" + index.children().get(0).digest()));
            Descriptor head = client.headManifest(ImageReference.parse(registry.host() + "/lab/bydigest:v1"))
                    .orElseThrow();

            assertThat(child.bytes()).isEqualTo(index.children().get(0).manifest());
            assertThat(head.digest()).hasToString(index.digest());
            assertThat(head.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
            assertThat(head.size()).isEqualTo(index.manifest().length);
            assertThat(client.headManifest(ImageReference.parse(registry.host() + "/lab/bydigest:nope"))).isEmpty();
            assertThatThrownBy(() -> client.getManifest(ImageReference.parse(registry.host() + "/lab/bydigest:nope")))
                    .isInstanceOfSatisfying(PermanentRegistryException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.MANIFEST_UNKNOWN))
                    .hasMessage("GET manifest " + registry.host() + "/lab/bydigest:nope: HTTP 404 MANIFEST_UNKNOWN: manifest unknown");
        }
    }

    @Test
    void pushes_a_manifest_as_exact_bytes_and_reads_the_stored_digest() throws Exception {
        TestImage image = TestImages.ociManifest(1, 128);
        RegistrySeeder seeder = RegistrySeeder.of(registry);
        image.blobs().values().forEach(bytes -> seeder.pushBlob("lab/put", bytes));
        try (RegistryClient client = RegistryClients.forEndpoints(registry)) {
            Digest stored = client.putManifest(new Repository(registry.host(), "lab/put"), "v1",
                    Manifest.of(image.manifest(), image.mediaType()));

            assertThat(stored).hasToString(image.digest());
        }
        assertThat(Skopeo.inspectRaw(registry, "lab/put:v1")).isEqualTo(image.manifest());
    }

    @Test
    void falls_back_to_docker_login_credentials_from_config_json() throws Exception {
        RegistrySeeder.of(basic).push("lab/login", "v1", TestImages.dockerV2(1, 64));
        String auth = Base64.getEncoder().encodeToString("dave:docker-config-pass".getBytes(StandardCharsets.UTF_8));
        Path config = Files.writeString(dir.resolve("config.json"),
                "{\"auths\":{\"" + basic.host() + "\":{\"auth\":\"" + auth + "\"}}}");
        try (RegistryClient client = new RegistryClient(
                RegistryClientSettings.defaults().withInsecureRegistries(Set.of(basic.host())),
                RegistryClients.byHost(java.util.Map.of()).orElse(DockerConfigCredentials.read(config)))) {

            assertThat(client.headManifest(ImageReference.parse(basic.host() + "/lab/login:v1"))).isPresent();
        }
    }
}

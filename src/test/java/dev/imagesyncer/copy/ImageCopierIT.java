package dev.imagesyncer.copy;

import dev.imagesyncer.registry.DigestMismatchException;
import dev.imagesyncer.registry.ErrorCode;
import dev.imagesyncer.registry.ImageReference;
import dev.imagesyncer.registry.PermanentRegistryException;
import dev.imagesyncer.registry.RegistryClient;
import dev.imagesyncer.testing.RegistryClients;
import dev.imagesyncer.testing.RegistryEndpoint;
import dev.imagesyncer.testing.RegistryExtension;
import dev.imagesyncer.testing.RegistryFront;
import dev.imagesyncer.testing.RegistrySeeder;
import dev.imagesyncer.testing.Skopeo;
import dev.imagesyncer.testing.TestImage;
import dev.imagesyncer.testing.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Copies between two real open registries and checks the target with skopeo, an independent client. */
class ImageCopierIT {

    @RegisterExtension
    static final RegistryExtension source = RegistryExtension.open().withSchema1();
    @RegisterExtension
    static final RegistryExtension target = RegistryExtension.open().withSchema1();

    private static RegistryClient client;
    private static ImageCopier copier;

    @BeforeAll
    static void createClient() {
        client = RegistryClients.forEndpoints(source, target);
        copier = new ImageCopier(client);
    }

    @AfterAll
    static void closeClient() throws IOException {
        client.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker-v2", "oci-manifest", "docker-list", "oci-index", "docker-schema1"})
    void copies_every_manifest_type_byte_for_byte(String kind) {
        String repository = "lab/" + kind;
        TestImage image = switch (kind) {
            case "docker-v2" -> TestImages.dockerV2(3, 2048);
            case "oci-manifest" -> TestImages.ociManifest(2, 4096);
            case "docker-list" -> TestImages.dockerManifestList(2, 1024);
            case "oci-index" -> TestImages.ociIndex(2, 1024);
            default -> TestImages.dockerSchema1(repository, "v1", 2, 1024);
        };
        RegistrySeeder.of(source).push(repository, "v1", image);

        CopyResult result = copier.copy(ref(source, repository + ":v1"), ref(target, repository), CopyOptions.DEFAULT);

        assertThat(result.pushedNothing()).isFalse();
        assertThat(result.digest()).hasToString(image.digest());
        if (kind.equals("docker-schema1")) {
            // registries sign schema1 manifests with their own key when serving them: only the payload is stable
            assertThat(TestImages.schema1Payload(Skopeo.inspectRaw(target, repository + ":v1")))
                    .isEqualTo(TestImages.schema1Payload(image.manifest()));
        } else {
            assertThat(Skopeo.inspectRaw(target, repository + ":v1")).isEqualTo(image.manifest());
        }
        for (TestImage child : image.children()) {
            assertThat(Skopeo.inspectRaw(target, repository + "@" + child.digest())).isEqualTo(child.manifest());
        }
        for (String blob : image.allBlobs().keySet()) {
            assertThat(RegistrySeeder.of(target).blobExists(repository, blob)).as(blob).isTrue();
        }
        assertThat(result.blobsCopied()).isEqualTo(image.allBlobs().size());
        assertThat(result.bytes()).isEqualTo(image.totalBlobBytes());
    }

    @Test
    void an_unchanged_image_is_skipped_unless_forced() {
        TestImage image = TestImages.dockerV2(1, 512);
        RegistrySeeder.of(source).push("lab/unchanged", "v1", image);
        copier.copy(ref(source, "lab/unchanged:v1"), ref(target, "lab/unchanged"), CopyOptions.DEFAULT);

        CopyResult again = copier.copy(ref(source, "lab/unchanged:v1"), ref(target, "lab/unchanged"), CopyOptions.DEFAULT);
        CopyResult forced = copier.copy(ref(source, "lab/unchanged:v1"), ref(target, "lab/unchanged"), new CopyOptions(true, PlatformFilter.NONE));

        assertThat(again.pushedNothing()).isTrue();
        assertThat(again.manifestsPushed()).isZero();
        assertThat(forced.pushedNothing()).isFalse();
        assertThat(forced.manifestsPushed()).isEqualTo(1);
        assertThat(forced.blobsPresent()).isEqualTo(2);
        assertThat(forced.blobsCopied()).isZero();
    }

    @Test
    void renames_the_tag_and_copies_by_digest_when_no_tag_is_given() {
        TestImage image = TestImages.ociManifest(1, 256);
        RegistrySeeder.of(source).push("lab/rename", "v1", image);

        CopyResult renamed = copier.copy(ref(source, "lab/rename:v1"), ref(target, "mirror/rename:stable"), CopyOptions.DEFAULT);
        CopyResult byDigest = copier.copy(ref(source, "lab/rename@" + image.digest()), ref(target, "mirror/bydigest"), CopyOptions.DEFAULT);

        assertThat(renamed.target()).hasToString(target.host() + "/mirror/rename:stable");
        assertThat(Skopeo.inspectRaw(target, "mirror/rename:stable")).isEqualTo(image.manifest());
        assertThat(byDigest.target()).hasToString(target.host() + "/mirror/bydigest@" + image.digest());
        assertThat(Skopeo.inspectRaw(target, "mirror/bydigest@" + image.digest())).isEqualTo(image.manifest());
    }

    @Test
    void pushes_an_index_only_after_its_children_and_their_blobs() throws Exception {
        TestImage index = TestImages.ociIndex(2, 1024);
        RegistrySeeder.of(source).push("lab/ordered", "v1", index);
        try (RegistryFront front = RegistryFront.of(target);
             RegistryClient viaFront = RegistryClients.forEndpoints(source, front)) {
            new ImageCopier(viaFront).copy(ref(source, "lab/ordered:v1"), ref(front, "lab/ordered"), CopyOptions.DEFAULT);

            List<String> writes = front.requests().stream()
                    .filter(r -> r.method().equals("PUT"))
                    .map(r -> r.path().substring(r.path().lastIndexOf('/') + 1))
                    .toList();
            List<String> manifestWrites = writes.stream()
                    .filter(w -> w.equals("v1") || index.children().stream().anyMatch(c -> c.digest().equals(w)))
                    .toList();
            assertThat(manifestWrites).hasSize(3).last().isEqualTo("v1");
            for (TestImage child : index.children()) {
                int childPut = writes.indexOf(child.digest());
                assertThat(childPut).isGreaterThan(-1).isLessThan(writes.indexOf("v1"));
                long blobPutsBeforeChild = front.requests().stream().limit(indexOfPut(front, child.digest()))
                        .filter(r -> r.method().equals("PUT") && r.path().contains("/blobs/uploads/")).count();
                assertThat(blobPutsBeforeChild).isGreaterThanOrEqualTo(child.blobs().size());
            }
        }
        assertThat(Skopeo.inspectRaw(target, "lab/ordered:v1")).isEqualTo(index.manifest());
    }

    @Test
    void mounts_blobs_between_repositories_of_the_same_registry() {
        TestImage image = TestImages.dockerV2(2, 4096);
        RegistrySeeder.of(target).push("lab/mount-from", "v1", image);

        CopyResult result = copier.copy(ref(target, "lab/mount-from:v1"), ref(target, "lab/mount-to"), CopyOptions.DEFAULT);

        assertThat(result.blobsMounted()).isEqualTo(image.blobs().size());
        assertThat(result.blobsCopied()).isZero();
        assertThat(result.bytes()).isZero();
        assertThat(Skopeo.inspectRaw(target, "lab/mount-to:v1")).isEqualTo(image.manifest());
    }

    @Test
    void images_sharing_layers_transfer_each_blob_once_and_mount_it_elsewhere() throws Exception {
        TestImage first = TestImages.dockerV2(3, 100_000);
        RegistrySeeder.of(source).push("lab/shared", "v1", first);
        RegistrySeeder.of(source).push("lab/shared", "v2", first);
        ExecutorService transfers = Executors.newFixedThreadPool(4);
        try (RegistryClient parallel = RegistryClients.forEndpoints(source, target)) {
            ImageCopier shared = new ImageCopier(parallel, transfers, new BlobLedger());
            List<CompletableFuture<CopyResult>> copies = Stream.of("one", "two", "three")
                    .map(name -> CompletableFuture.supplyAsync(() -> shared.copy(ref(source, "lab/shared:v1"),
                            ref(target, "lab/shared-" + name), CopyOptions.DEFAULT)))
                    .toList();
            List<CopyResult> results = copies.stream().map(CompletableFuture::join).toList();

            assertThat(results.stream().mapToInt(CopyResult::blobsCopied).sum()).isEqualTo(first.blobs().size());
            assertThat(results.stream().mapToInt(CopyResult::blobsMounted).sum())
                    .isEqualTo(2 * first.blobs().size());
            assertThat(results.stream().mapToLong(CopyResult::bytes).sum()).isEqualTo(first.totalBlobBytes());
        } finally {
            transfers.shutdownNow();
        }
        for (String name : List.of("one", "two", "three")) {
            assertThat(Skopeo.inspectRaw(target, "lab/shared-" + name + ":v1")).isEqualTo(first.manifest());
        }
    }

    @Test
    void parallel_copies_into_one_repository_link_each_blob_once() throws Exception {
        TestImage image = TestImages.dockerV2(2, 50_000);
        List<String> tags = List.of("v1", "v2", "v3", "v4");
        RegistrySeeder.of(target).push("lab/linked-first", "v1", image);
        RegistrySeeder.of(target).pushTags("lab/linked-source", image, tags);
        ExecutorService transfers = Executors.newFixedThreadPool(4);
        try (RegistryClient parallel = RegistryClients.forEndpoints(target)) {
            ImageCopier shared = new ImageCopier(parallel, transfers, new BlobLedger());
            shared.copy(ref(target, "lab/linked-first:v1"), ref(target, "lab/linked-elsewhere"), CopyOptions.DEFAULT);
            List<CopyResult> results = tags.stream()
                    .map(tag -> CompletableFuture.supplyAsync(() -> shared.copy(ref(target, "lab/linked-source:" + tag),
                            ref(target, "lab/linked-once"), CopyOptions.DEFAULT)))
                    .toList().stream().map(CompletableFuture::join).toList();

            // one copy mounts each blob into the repository; the three others find it there
            assertThat(results.stream().mapToInt(CopyResult::blobsMounted).sum()).isEqualTo(image.blobs().size());
            assertThat(results.stream().mapToInt(CopyResult::blobsPresent).sum())
                    .isEqualTo(3 * image.blobs().size());
        } finally {
            transfers.shutdownNow();
        }
    }

    @Test
    void a_corrupt_blob_is_detected_and_its_upload_cancelled() throws Exception {
        TestImage image = TestImages.dockerV2(1, 300_000);
        RegistrySeeder.of(source).push("lab/corrupt", "v1", image);
        String layer = image.blobs().keySet().stream().skip(1).findFirst().orElseThrow();
        try (RegistryFront corrupting = RegistryFront.of(source).corruptBlob(layer);
             RegistryClient viaFront = RegistryClients.forEndpoints(corrupting, target)) {

            assertThatThrownBy(() -> new ImageCopier(viaFront)
                    .copy(ref(corrupting, "lab/corrupt:v1"), ref(target, "lab/corrupt"), CopyOptions.DEFAULT))
                    .isInstanceOf(DigestMismatchException.class)
                    .hasMessageContaining(layer);
        }
        assertThat(RegistrySeeder.of(target).blobExists("lab/corrupt", layer)).isFalse();
        assertThat(RegistrySeeder.of(target).fetchManifest("lab/corrupt", "v1")).isEmpty();
        assertThat(uploadedData(target, "lab/corrupt")).as("upload sessions still holding data").isEmpty();
    }

    @Test
    void a_missing_source_image_is_a_permanent_error_naming_it() {
        assertThatThrownBy(() -> copier.copy(ref(source, "lab/nothing:v9"), ref(target, "lab/nothing"), CopyOptions.DEFAULT))
                .isInstanceOf(PermanentRegistryException.class)
                .hasMessageContaining(source.host() + "/lab/nothing:v9")
                .satisfies(e -> assertThat(((PermanentRegistryException) e).code()).isEqualTo(ErrorCode.MANIFEST_UNKNOWN));
    }

    private static int indexOfPut(RegistryFront front, String digest) {
        List<RegistryFront.RecordedRequest> requests = front.requests();
        for (int i = 0; i < requests.size(); i++) {
            if (requests.get(i).method().equals("PUT") && requests.get(i).path().endsWith("/manifests/" + digest)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The data files of upload sessions in the registry's storage. The filesystem driver keeps one folder per
     * session with a {@code data} file; a cancelled session loses its data (only hash state files remain).
     */
    private static List<Path> uploadedData(RegistryExtension registry, String repository) throws IOException {
        Path uploads = registry.storageDir().resolve("docker/registry/v2/repositories/" + repository + "/_uploads");
        if (!Files.isDirectory(uploads)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(uploads)) {
            return files.filter(file -> file.getFileName().toString().equals("data")).toList();
        }
    }

    static ImageReference ref(RegistryEndpoint registry, String repositoryAndTag) {
        return ImageReference.parse(registry.host() + "/" + repositoryAndTag);
    }
}

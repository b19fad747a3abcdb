package dev.imagesyncer.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagesyncer.testing.RegistryFront;
import dev.imagesyncer.testing.RegistrySeeder;
import dev.imagesyncer.testing.Skopeo;
import dev.imagesyncer.testing.TestImage;
import dev.imagesyncer.testing.TestImages;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The route ids, headers and redelivery policy as an interface users build on, proved with the packaged jar
 * against real registries: edited copies of the shipped routes (fixtures under
 * {@code src/test/resources/routes-fixtures}) filter, log and retry as their YAML says.
 */
class RoutesInterfaceIT extends TwoRegistries {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void a_filter_at_the_start_of_copy_image_drops_those_destinations_and_counts_them_filtered() throws Exception {
        TestImage image = TestImages.ociManifest(1, 512);
        RegistrySeeder.of(source).push("lab/app", "v1", image);
        Files.writeString(work.resolve("images.yaml"), """
                %1$s/lab/app:v1:
                  - %2$s/public/app
                  - %2$s/internal/app
                  - %2$s/mirror/app
                """.formatted(source.host(), target.host()));
        JarRun.writeInsecureAuth(work, source, target);

        JarRun run = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml", "--reports",
                "reports", "--routes", JarRun.routesFixture(work, "filter-internal").toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(Skopeo.inspectRaw(target, "public/app:v1")).isEqualTo(image.manifest());
        assertThat(Skopeo.inspectRaw(target, "mirror/app:v1")).isEqualTo(image.manifest());
        assertThat(RegistrySeeder.of(target).fetchManifest("internal/app", "v1")).isEmpty();
        assertThat(run.summary()).contains("2 images synced", "1 filtered");
        assertThat(run.stdout()).contains("/internal/app:v1  filtered: a route step ended its exchange");
        JsonNode report = onlyReport();
        assertThat(report.path("images").path("filtered").asInt()).isEqualTo(1);
        assertThat(report.path("images").path("synced").asInt()).isEqualTo(2);
        assertThat(report.path("outcomes")).filteredOn(o -> o.path("result").asText().equals("filtered"))
                .singleElement().satisfies(o -> assertThat(o.path("destination").asText())
                        .isEqualTo(target.host() + "/internal/app:v1"));
    }

    @Test
    void a_log_step_at_the_start_of_copy_blob_runs_once_per_transferred_blob() throws Exception {
        TestImage image = TestImages.ociManifest(2, 4096);
        RegistrySeeder.of(source).push("lab/app", "v1", image);
        // destinations one after another: the second tag of mirror/app needs no blob the run has not handled,
        // the other repository has each blob mounted
        Files.writeString(work.resolve("images.yaml"), """
                %1$s/lab/app:v1:
                  - %2$s/mirror/app
                  - %2$s/mirror/app:latest
                  - %2$s/other/app
                """.formatted(source.host(), target.host()));
        JarRun.writeInsecureAuth(work, source, target);

        JarRun run = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml", "--routes",
                JarRun.routesFixture(work, "log-blobs").toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.summary()).contains("3 images synced", "blobs: 3 copied, 3 mounted, 3 present");
        List<String> logged = run.stderr().lines().filter(line -> line.contains("copy-blob step: blob ")).toList();
        assertThat(logged).as(run.stderr()).hasSize(6);
        for (Map.Entry<String, byte[]> blob : image.blobs().entrySet()) {
            assertThat(logged).filteredOn(line -> line.contains(blob.getKey())).hasSize(2)
                    .anyMatch(line -> line.contains("(" + blob.getValue().length + " bytes) of " + target.host()
                            + "/mirror/app:v1"))
                    .anyMatch(line -> line.contains("of " + target.host() + "/other/app:v1"));
        }
    }

    @Test
    void a_blob_that_always_answers_503_is_fetched_retries_plus_one_times_and_fails_only_its_image() throws Exception {
        TestImage fine = TestImages.ociManifest(1, 1024);
        RegistrySeeder.of(source).push("lab/fine", "v1", fine);
        String layer = seedBrokenImage();
        try (RegistryFront front = frontFailingEveryGetOf(layer)) {

            JarRun run = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml",
                    "--retries", "2");

            assertThat(blobGets(front, layer)).as(run.toString()).isEqualTo(3);
            assertThat(run.exitCode()).isEqualTo(255);
            assertThat(run.summary()).contains("1 image synced", "1 failed").endsWith("2 retries, 0 rate-limited (429)");
            assertThat(run.stderr()).contains("retry: blob " + layer + " of " + front.host() + "/lab/broken:v1 -> "
                    + target.host() + "/mirror/broken:v1: attempt 2 of 3 after: ");
            assertThat(RegistrySeeder.of(target).fetchManifest("mirror/broken", "v1")).as("no manifest without its blob")
                    .isEmpty();
            assertThat(Skopeo.inspectRaw(target, "mirror/fine:v1")).isEqualTo(fine.manifest());
        }
    }

    @Test
    void retries_given_on_the_command_line_win_over_the_packaged_and_the_working_directory_properties()
            throws Exception {
        String layer = seedBrokenImage();
        try (RegistryFront front = frontFailingEveryGetOf(layer)) {
            // the working directory's file overrides the packaged one (short waits), the flag overrides both
            Files.writeString(work.resolve("application.properties"), "sync.retries = 1\nsync.retries.delay = 20\n");

            JarRun run = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml",
                    "--retries", "5");

            assertThat(blobGets(front, layer)).as(run.toString()).isEqualTo(6);
            assertThat(run.exitCode()).isEqualTo(255);
        }
    }

    @Test
    void with_maximum_redeliveries_0_edited_into_copy_blob_a_failing_blob_is_fetched_exactly_once() throws Exception {
        String layer = seedBrokenImage();
        try (RegistryFront front = frontFailingEveryGetOf(layer)) {

            JarRun run = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml",
                    "--retries", "2", "--routes", JarRun.routesFixture(work, "blob-no-redelivery").toString());

            assertThat(blobGets(front, layer)).as(run.toString()).isEqualTo(1);
            assertThat(run.exitCode()).isEqualTo(255);
            assertThat(run.stdout()).contains("failed: GET blob " + front.host() + "/lab/broken@" + layer)
                    .contains("HTTP 503");
        }
    }

    /** lab/broken:v1 in the source; returns the digest of its layer. */
    private String seedBrokenImage() {
        TestImage broken = TestImages.ociManifest(1, 2048);
        RegistrySeeder.of(source).push("lab/broken", "v1", broken);
        return broken.blobs().keySet().stream().reduce((first, second) -> second).orElseThrow();
    }

    /** A front of the source that answers every GET of {@code layer} with 503, and the files that copy through it. */
    private RegistryFront frontFailingEveryGetOf(String layer) throws Exception {
        RegistryFront front = RegistryFront.of(source);
        front.failNext(503, 1000, "GET /v2/lab/broken/blobs/" + Pattern.quote(layer));
        writeFiles(front);
        return front;
    }

    private void writeFiles(RegistryFront front) throws Exception {
        Files.writeString(work.resolve("images.yaml"), """
                %1$s/lab/broken:v1: %2$s/mirror/broken
                %1$s/lab/fine:v1: %2$s/mirror/fine
                """.formatted(front.host(), target.host()));
        JarRun.writeInsecureAuth(work, front, target);
    }

    private static long blobGets(RegistryFront front, String digest) {
        return front.requests().stream()
                .filter(request -> request.method().equals("GET") && request.path().endsWith("/blobs/" + digest))
                .count();
    }

    private JsonNode onlyReport() throws Exception {
        try (var reports = Files.list(work.resolve("reports"))) {
            List<Path> files = reports.toList();
            assertThat(files).hasSize(1);
            return JSON.readTree(files.get(0).toFile());
        }
    }
}

package dev.imagesyncer.app;

import dev.imagesyncer.testing.RegistrySeeder;
import dev.imagesyncer.testing.Skopeo;
import dev.imagesyncer.testing.TestImage;
import dev.imagesyncer.testing.TestImages;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Users edit the YAML routes: a copy of the shipped ones, changed, is what runs with --routes. */
class EditedRoutesIT extends TwoRegistries {

    @Test
    void runs_an_edited_copy_of_the_shipped_routes() throws Exception {
        TestImage image = TestImages.ociManifest(1, 256);
        RegistrySeeder.of(source).push("lab/app", "v1", image);
        Files.writeString(work.resolve("images.yaml"), "%s/lab/app:v1: %s/mirror/app\n"
                .formatted(source.host(), target.host()));
        JarRun.writeInsecureAuth(work, source, target);
        String shipped = Files.readString(Path.of("routes/sync.camel.yaml"));
        String finish = "        - bean:\n            ref: syncRuns\n            method: finish\n";
        assertThat(shipped).contains(finish);
        String imageEvent = "              - bean:\n                  ref: events\n                  method: image\n";
        assertThat(shipped).contains(imageEvent);
        Path routes = Files.createDirectory(work.resolve("my-routes"));
        Files.writeString(routes.resolve("sync.camel.yaml"), shipped
                .replace(finish,
                        "        - log: \"edited route: ${exchangeProperty.syncRun.jobs.size()} images planned\"\n" + finish)
                .replaceFirst(imageEvent, imageEvent + "              - to: file:results\n"));

        JarRun run = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml", "--routes",
                "my-routes");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stderr()).contains("edited route: 1 images planned");
        try (var results = Files.list(work.resolve("results"))) {
            List<Path> files = results.toList();
            assertThat(files).hasSize(1);
            assertThat(Files.readString(files.get(0))).contains("\"type\":\"image\"", "\"result\":\"synced\"",
                    target.host() + "/mirror/app:v1");
        }
        assertThat(Skopeo.inspectRaw(target, "mirror/app:v1")).isEqualTo(image.manifest());
    }

    @Test
    void a_filter_step_skips_repositories_by_name_as_the_readme_shows() throws Exception {
        TestImage image = TestImages.ociManifest(1, 256);
        RegistrySeeder.of(source).push("lab/public", "v1", image);
        RegistrySeeder.of(source).push("lab/internal/secret", "v1", image);
        Files.writeString(work.resolve("images.yaml"), """
                %1$s/lab/public:v1: %2$s/mirror/public
                %1$s/lab/internal/secret:v1: %2$s/mirror/secret
                """.formatted(source.host(), target.host()));
        JarRun.writeInsecureAuth(work, source, target);
        String shipped = Files.readString(Path.of("routes/sync.camel.yaml"));
        String head = "        - bean:\n            ref: imageSync\n            method: headSource\n";
        assertThat(shipped).contains(head);
        Path routes = Files.createDirectory(work.resolve("filtered"));
        Files.writeString(routes.resolve("sync.camel.yaml"), shipped.replace(head, """
                        - filter:
                            expression:
                              simple: "${body.source.toString()} contains '/internal/'"
                            steps:
                              - stop: {}
                """ + head));

        JarRun run = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml", "--routes",
                "filtered");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(Skopeo.inspectRaw(target, "mirror/public:v1")).isEqualTo(image.manifest());
        assertThat(RegistrySeeder.of(target).fetchManifest("mirror/secret", "v1")).isEmpty();
    }

    @Test
    void a_broken_route_file_stops_start_up_naming_the_file_and_line() throws Exception {
        Path routes = Files.createDirectory(work.resolve("broken"));
        Files.writeString(routes.resolve("sync.camel.yaml"), Files.readString(Path.of("routes/sync.camel.yaml"))
                .replace("      uri: direct:sync\n", "      uri: direct:sync\n     broken: [\n"));
        Files.writeString(work.resolve("images.yaml"), "{}\n");

        JarRun run = JarRun.in(work, Map.of(), "--images", "images.yaml", "--routes", "broken");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr().strip().lines()).as(run.stderr()).hasSize(1);
        assertThat(run.stderr()).startsWith("error: the routes did not start: ")
                .contains(routes.resolve("sync.camel.yaml").toString()).containsPattern("line \\d+");
    }
}

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

/**
 * Users edit the YAML routes: an edited copy of the shipped ones (fixtures under
 * {@code src/test/resources/routes-fixtures}) is what runs with --routes.
 */
class EditedRoutesIT extends TwoRegistries {

    @Test
    void runs_an_edited_copy_of_the_shipped_routes() throws Exception {
        TestImage image = TestImages.ociManifest(1, 256);
        RegistrySeeder.of(source).push("lab/app", "v1", image);
        Files.writeString(work.resolve("images.yaml"), "%s/lab/app:v1: %s/mirror/app\n"
                .formatted(source.host(), target.host()));
        JarRun.writeInsecureAuth(work, source, target);

        JarRun run = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml", "--routes",
                JarRun.routesFixture(work, "results-to-file").toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stderr()).contains("edited route: 0 images closed without an outcome");
        try (var results = Files.list(work.resolve("results"))) {
            List<Path> files = results.toList();
            assertThat(files).hasSize(1);
            assertThat(Files.readString(files.get(0))).contains("\"type\":\"image\"", "\"result\":\"synced\"",
                    target.host() + "/mirror/app:v1");
        }
        assertThat(Skopeo.inspectRaw(target, "mirror/app:v1")).isEqualTo(image.manifest());
    }

    @Test
    void a_broken_route_file_stops_start_up_naming_the_file_and_line() throws Exception {
        Path routes = JarRun.routesFixture(work, "broken");
        Files.writeString(work.resolve("images.yaml"), "{}\n");

        JarRun run = JarRun.in(work, Map.of(), "--images", "images.yaml", "--routes", routes.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr().strip().lines()).as(run.stderr()).hasSize(1);
        assertThat(run.stderr()).startsWith("error: the routes did not start: ")
                .contains(routes.resolve("sync.camel.yaml").toString()).containsPattern("line \\d+");
    }
}

package dev.imagesyncer.app;

import dev.imagesyncer.testing.RegistryExtension;
import dev.imagesyncer.testing.RegistrySeeder;
import dev.imagesyncer.testing.Skopeo;
import dev.imagesyncer.testing.TestImage;
import dev.imagesyncer.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Users edit the YAML routes: a copy of the shipped ones, changed, is what runs with --routes. */
class EditedRoutesIT {

    @RegisterExtension
    static final RegistryExtension source = RegistryExtension.open();
    @RegisterExtension
    static final RegistryExtension target = RegistryExtension.open();

    @TempDir
    Path work;

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
        Path routes = Files.createDirectory(work.resolve("my-routes"));
        Files.writeString(routes.resolve("sync.camel.yaml"), shipped.replace(finish,
                "        - log: \"edited route: ${exchangeProperty.syncRun.jobs.size()} images planned\"\n" + finish));

        JarRun run = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml", "--routes",
                "my-routes");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stderr()).contains("edited route: 1 images planned");
        assertThat(Skopeo.inspectRaw(target, "mirror/app:v1")).isEqualTo(image.manifest());
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

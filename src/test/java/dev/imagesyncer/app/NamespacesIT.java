package dev.imagesyncer.app;

import dev.imagesyncer.testing.RegistryFront;
import dev.imagesyncer.testing.RegistrySeeder;
import dev.imagesyncer.testing.Skopeo;
import dev.imagesyncer.testing.TestImage;
import dev.imagesyncer.testing.TestImages;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Whole namespaces and registries, listed through the catalog, mirrored under a destination prefix. */
class NamespacesIT extends TwoRegistries {

    @Test
    void one_level_any_depth_and_the_whole_registry_keep_their_paths_below_the_prefix_through_catalog_pages()
            throws Exception {
        RegistrySeeder seeder = RegistrySeeder.of(source);
        TestImage image = TestImages.ociManifest(1, 256);
        for (String repository : List.of("team/app", "team/web", "team/tools/cli", "other/x")) {
            seeder.push(repository, "1", image);
        }
        try (RegistryFront front = RegistryFront.of(source).capCatalogPages(2)) {
            Files.writeString(work.resolve("images.yaml"), """
                    %1$s/team/*: %2$s/one
                    %1$s/team/**: %2$s/deep
                    %1$s/**:
                      to: %2$s/all
                      repositories: {exclude: '^team/tools/'}
                    """.formatted(front.host(), target.host()));
            JarRun.writeInsecureAuth(work, front, target);

            JarRun run = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.summary()).startsWith("Sync finished (succeeded): 8 images synced");
            assertThat(run.stderr()).contains("rule 1 (\"" + front.host() + "/team/*\"): 2 of the 4 repositories "
                    + "the catalog lists");
            assertThat(front.requests()).as("the catalog is read in pages of 2, following Link")
                    .filteredOn(request -> request.path().equals("/v2/_catalog"))
                    .anySatisfy(request -> assertThat(request.query()).contains("last="));
        }
        for (String repository : List.of("one/app", "one/web", "deep/app", "deep/web", "deep/tools/cli",
                "all/team/app", "all/team/web", "all/other/x")) {
            assertThat(Skopeo.inspectRaw(target, repository + ":1")).as(repository).isEqualTo(image.manifest());
        }
        assertThat(RegistrySeeder.of(target).fetchManifest("one/tools/cli", "1")).isEmpty();
        assertThat(RegistrySeeder.of(target).fetchManifest("all/team/tools/cli", "1")).isEmpty();
    }

    @Test
    void a_registry_that_refuses_its_catalog_is_said_in_one_line_and_the_other_rules_go_on() throws Exception {
        RegistrySeeder.of(source).push("lab/kept", "1", TestImages.ociManifest(1, 256));
        try (RegistryFront front = RegistryFront.of(source)) {
            front.failNext(404, 100, "GET /v2/_catalog");
            Files.writeString(work.resolve("images.yaml"), """
                    %1$s/lab/*: %2$s/lab
                    %1$s/lab/kept: %2$s/kept
                    """.formatted(front.host(), target.host()));
            JarRun.writeInsecureAuth(work, front, target);

            JarRun run = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(255);
            assertThat(run.summary()).startsWith("Sync finished (partial): 1 image synced, 0 unchanged, 1 failed");
            assertThat(run.stdout()).contains(front.host() + " does not list its repositories (GET /v2/_catalog "
                    + "answered HTTP 404): name the repositories in the images file instead of a namespace");
        }
    }
}

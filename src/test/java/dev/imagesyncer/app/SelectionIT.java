package dev.imagesyncer.app;

import dev.imagesyncer.testing.RegistryFront;
import dev.imagesyncer.testing.RegistrySeeder;
import dev.imagesyncer.testing.Skopeo;
import dev.imagesyncer.testing.TestImage;
import dev.imagesyncer.testing.TestImages;
import dev.imagesyncer.testing.TestTags;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Choosing what to mirror: tag filters in the long form and as flags, skipExisting. */
class SelectionIT extends TwoRegistries {

    @Test
    void the_long_form_keeps_exactly_the_tags_its_filters_select_from_sixty() throws Exception {
        TestImage image = TestImages.ociManifest(1, 256);
        RegistrySeeder.of(source).pushTags("lab/etcd", image, TestTags.sixty());
        Files.writeString(work.resolve("images.yaml"), """
                %s/lab/etcd:
                  to: %s/mirror/etcd
                  tags:
                    include: ['^v?3\\.', '^latest$']
                    exclude: ['-rc', 'alpha', '\\.9$']
                    semver: '>=3.4.0 <4'
                    latest: 5
                """.formatted(source.host(), target.host()));
        JarRun.writeInsecureAuth(work, source, target);

        JarRun run = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.summary()).startsWith("Sync finished (succeeded): 5 images synced");
        assertThat(run.stderr()).contains("5 of 60 tags kept by the tag filter (include [/^v?3\\./, /^latest$/], "
                + "exclude [/-rc/, /alpha/, /\\.9$/], semver >=3.4.0 <4, latest 5), 55 filtered out");
        assertThat(Skopeo.listTags(target, "mirror/etcd"))
                .containsExactlyInAnyOrder("v3.6.4", "v3.6.5", "v3.6.6", "v3.6.7", "v3.6.8");
    }

    @Test
    void tag_flags_apply_to_rules_that_do_not_set_the_field_and_a_regex_may_hold_a_comma() throws Exception {
        TestImage image = TestImages.ociManifest(1, 256);
        RegistrySeeder.of(source).pushTags("lab/flags", image, List.of("v1", "v11", "v111", "v2", "edge"));
        Files.writeString(work.resolve("images.yaml"), """
                %1$s/lab/flags: %2$s/mirror/flags
                %1$s/lab/flags:/^v/:
                  to: %2$s/mirror/own
                  tags: {exclude: '^v1'}
                """.formatted(source.host(), target.host()));
        JarRun.writeInsecureAuth(work, source, target);

        JarRun run = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml",
                "--include-tag", "^v1{1,2}$", "--exclude-tag", "edge");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(Skopeo.listTags(target, "mirror/flags")).containsExactlyInAnyOrder("v1", "v11");
        for (String tag : List.of("v1", "v11", "v111", "v2")) {
            assertThat(RegistrySeeder.of(target).fetchManifest("mirror/own", tag))
                    .as("its own exclude wins, the flag's include still applies: " + tag).isEmpty();
        }
        assertThat(run.stderr()).contains("selects no tag: none of the 5 tags of " + source.host()
                + "/lab/flags are tags matching /^v/ and kept by include [/^v1{1,2}$/], exclude [/^v1/]");
    }

    /** Tags that never move, on a registry that counts pulls: what the destination has is not read again. */
    @Test
    void skip_existing_leaves_a_moved_tag_as_it_is_without_reading_the_source_and_without_it_the_tag_follows()
            throws Exception {
        TestImage first = TestImages.ociManifest(1, 256);
        TestImage moved = TestImages.ociManifest(1, 256);
        TestImage fresh = TestImages.ociManifest(1, 256);
        RegistrySeeder seeder = RegistrySeeder.of(source);
        seeder.push("lab/pinned", "1.0", first);
        try (RegistryFront front = RegistryFront.of(source)) {
            Files.writeString(work.resolve("images.yaml"), front.host() + "/lab/pinned: " + target.host()
                    + "/mirror/pinned\n");
            JarRun.writeInsecureAuth(work, front, target);
            JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml");
            seeder.push("lab/pinned", "1.0", moved);
            seeder.push("lab/pinned", "2.0", fresh);
            front.clearRequests();

            JarRun skipping = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml",
                    "--skip-existing");

            assertThat(skipping.exitCode()).as(skipping.toString()).isZero();
            assertThat(skipping.summary()).startsWith("Sync finished (succeeded): 1 image synced, 1 unchanged");
            assertThat(skipping.stdout()).contains("the destination has the tag; left as it is, the source not read "
                    + "(skipExisting)");
            assertThat(front.requests()).as("no manifest request for the tag the destination has")
                    .noneMatch(request -> request.path().endsWith("/manifests/1.0"));
            assertThat(Skopeo.inspectRaw(target, "mirror/pinned:1.0")).isEqualTo(first.manifest());
            assertThat(Skopeo.inspectRaw(target, "mirror/pinned:2.0")).isEqualTo(fresh.manifest());

            JarRun following = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml");
            assertThat(following.summary()).startsWith("Sync finished (succeeded): 1 image synced, 1 unchanged");
            assertThat(Skopeo.inspectRaw(target, "mirror/pinned:1.0")).isEqualTo(moved.manifest());
        }
    }

    /** For CI jobs: one-off copies on the command line, without an images file (the auth file marks plain http). */
    @Test
    void src_and_dest_copy_without_an_images_file_and_go_in_pairs() throws Exception {
        TestImage image = TestImages.ociManifest(1, 256);
        RegistrySeeder.of(source).pushTags("lab/oneoff", image, List.of("v1.0", "v1.1", "v2.0"));
        RegistrySeeder.of(source).push("lab/other", "1", TestImages.ociManifest(1, 256));
        JarRun.writeInsecureAuth(work, source, target);

        JarRun run = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--src", source.host() + "/lab/oneoff:/^v1\\./", "--dest",
                target.host() + "/mirror/oneoff", "--src", source.host() + "/lab/other:1", "--dest",
                target.host() + "/mirror/other");
        JarRun unpaired = JarRun.in(work, Map.of(), "--src", source.host() + "/lab/oneoff");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.summary()).startsWith("Sync finished (succeeded): 3 images synced");
        assertThat(Skopeo.listTags(target, "mirror/oneoff")).containsExactlyInAnyOrder("v1.0", "v1.1");
        assertThat(Skopeo.listTags(target, "mirror/other")).containsExactly("1");
        assertThat(unpaired.exitCode()).isEqualTo(2);
        assertThat(unpaired.stderr()).contains("--src and --dest go in pairs: 1 --src, 0 --dest");
        JarRun notANumber = JarRun.in(work, Map.of(), "--latest", "x");
        assertThat(notANumber.exitCode()).isEqualTo(2);
        assertThat(notANumber.stderr().strip()).as("one line, not the usage text")
                .isEqualTo("error: Invalid value for option '--latest': 'x' is not an int (see --help)");
    }

}

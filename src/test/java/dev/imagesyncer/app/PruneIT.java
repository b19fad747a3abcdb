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

/** {@code --prune}: what left the source goes from the destination, and nothing else, ever. */
class PruneIT extends TwoRegistries {

    @Test
    void prune_deletes_exactly_what_left_the_source_and_holds_back_when_it_must() throws Exception {
        RegistrySeeder seeder = RegistrySeeder.of(source);
        TestImage one = TestImages.ociManifest(1, 256);
        TestImage two = TestImages.ociManifest(1, 256);
        TestImage three = TestImages.ociManifest(1, 256);
        seeder.push("lab/app", "v1", one);
        seeder.pushTags("lab/app", two, List.of("v2", "v2-copy"));
        seeder.push("lab/app", "v3", three);
        seeder.push("other/app", "pinned", TestImages.ociManifest(1, 256));
        try (RegistryFront front = RegistryFront.of(source)) {
            JarRun.writeInsecureAuth(work, front, target);
            Files.writeString(work.resolve("images.yaml"), """
                    %1$s/lab/app: %2$s/mirror/app
                    %1$s/other/app:pinned: %2$s/mirror/app
                    """.formatted(front.host(), target.host()));
            JarRun first = sync("--prune");
            assertThat(first.summary()).as(first.toString()).startsWith("Sync finished (succeeded): 5 images synced")
                    .endsWith("; prune: 0 tags deleted, 0 stale, 0 not deleted");

            seeder.deleteManifest("lab/app", three.digest()); // v3 leaves the source
            Files.writeString(work.resolve("images.yaml"), """
                    %1$s/lab/app:
                      to: %2$s/mirror/app
                      tags: {exclude: '-copy$'}
                    %1$s/other/app:pinned: %2$s/mirror/app
                    """.formatted(front.host(), target.host()));

            JarRun tooMany = sync("--prune", "--prune-max", "0");
            assertThat(tooMany.exitCode()).as(tooMany.toString()).isZero();
            assertThat(tooMany.summary()).endsWith("; prune: nothing deleted: it would delete 1 tag, more than "
                    + "--prune-max 0 (sync.prune.max); raise it to go ahead");
            assertThat(Skopeo.listTags(target, "mirror/app")).contains("v3");

            JarRun dry = sync("--prune", "--dry-run");
            assertThat(dry.stdout()).contains("-> " + target.host() + "/mirror/app:v3  pruned: would be deleted");
            assertThat(dry.summary()).endsWith("; prune: 1 tag to delete, 1 stale, 0 not deleted");
            assertThat(Skopeo.listTags(target, "mirror/app")).contains("v3");

            front.failNext(404, 1, "GET /v2/lab/app/tags/list");
            JarRun unlisted = sync("--prune");
            assertThat(unlisted.exitCode()).isEqualTo(255);
            assertThat(unlisted.stderr()).contains("has no images in this run (its listing failed, or it selected "
                    + "nothing): " + target.host() + "/mirror/app not pruned");
            assertThat(Skopeo.listTags(target, "mirror/app")).contains("v3");

            JarRun pruning = sync("--prune");
            assertThat(pruning.exitCode()).as(pruning.toString()).isZero();
            assertThat(pruning.summary()).endsWith("; prune: 1 tag deleted, 1 stale, 0 not deleted");
            assertThat(pruning.stdout()).contains(target.host() + "/mirror/app:v2-copy  stale, left in place: it "
                    + "shares its digest with the tag v2, which stays");
        }
        assertThat(Skopeo.listTags(target, "mirror/app")).as("v3 left the source; v2-copy shares v2's digest; "
                + "pinned is another rule's").containsExactlyInAnyOrder("v1", "v2", "v2-copy", "pinned");
        assertThat(Skopeo.inspectRaw(target, "mirror/app:v2")).isEqualTo(two.manifest());
    }

    @Test
    void a_repository_a_copy_into_failed_is_not_pruned_and_a_tag_a_kept_index_lists_stays() throws Exception {
        RegistrySeeder seeder = RegistrySeeder.of(source);
        TestImage index = TestImages.ociIndex(1, 256);
        seeder.push("lab/multi", "multi", index);
        seeder.pushManifest("lab/multi", "child", index.children().get(0).mediaType(),
                index.children().get(0).manifest());
        seeder.push("lab/multi", "gone", TestImages.ociManifest(1, 256));
        try (RegistryFront front = RegistryFront.of(source)) {
            JarRun.writeInsecureAuth(work, front, target);
            Files.writeString(work.resolve("images.yaml"), front.host() + "/lab/multi: " + target.host()
                    + "/mirror/multi\n");
            assertThat(sync().exitCode()).isZero();
            Files.writeString(work.resolve("images.yaml"), """
                    %s/lab/multi:
                      to: %s/mirror/multi
                      tags: {exclude: ['^child$', '^gone$']}
                    """.formatted(front.host(), target.host()));

            front.failNext(404, 1, "HEAD /v2/lab/multi/manifests/multi");
            JarRun failing = sync("--prune");
            assertThat(failing.exitCode()).as(failing.toString()).isEqualTo(255);
            assertThat(failing.stderr()).contains(target.host() + "/mirror/multi: a copy into it did not finish in "
                    + "this run: not pruned");
            assertThat(Skopeo.listTags(target, "mirror/multi")).contains("gone");

            JarRun pruning = sync("--prune");
            assertThat(pruning.summary()).as(pruning.toString())
                    .endsWith("; prune: 1 tag deleted, 1 stale, 0 not deleted");
            assertThat(pruning.stdout()).contains("mirror/multi:child  stale, left in place: the manifest of the tag "
                    + "multi, which stays, lists it");
        }
        assertThat(Skopeo.listTags(target, "mirror/multi")).containsExactlyInAnyOrder("multi", "child");
        assertThat(Skopeo.inspectRaw(target, "mirror/multi:multi")).isEqualTo(index.manifest());
    }

    /** cosign's tag of an image names it by digest: it stays, and so does the image it names. */
    @Test
    void a_cosign_tag_keeps_the_image_it_names() throws Exception {
        RegistrySeeder seeder = RegistrySeeder.of(source);
        TestImage signed = TestImages.ociManifest(1, 256);
        seeder.push("lab/signed", "v1", TestImages.ociManifest(1, 256));
        seeder.push("lab/signed", "v2", signed);
        dev.imagesyncer.testing.TestReferrers.Artifact signature =
                dev.imagesyncer.testing.TestReferrers.cosignSignature(signed);
        signature.blobs().values().forEach(blob -> seeder.pushBlob("lab/signed", blob));
        String cosignTag = signed.digest().replace(':', '-') + ".sig";
        seeder.pushManifest("lab/signed", cosignTag, TestImages.OCI_MANIFEST, signature.manifest());
        JarRun.writeInsecureAuth(work, source, target);
        Files.writeString(work.resolve("images.yaml"), source.host() + "/lab/signed: " + target.host()
                + "/mirror/signed\n");
        assertThat(sync().exitCode()).isZero();
        Files.writeString(work.resolve("images.yaml"), """
                %s/lab/signed:
                  to: %s/mirror/signed
                  tags: {exclude: '^v2$'}
                """.formatted(source.host(), target.host()));

        JarRun pruning = sync("--prune");

        assertThat(pruning.summary()).as(pruning.toString()).endsWith("; prune: 0 tags deleted, 1 stale, 0 not deleted");
        assertThat(pruning.stdout()).contains("mirror/signed:v2  stale, left in place: the tag " + cosignTag
                + " that stays refers to it");
        assertThat(Skopeo.listTags(target, "mirror/signed")).containsExactlyInAnyOrder("v1", "v2", cosignTag);
    }

    private JarRun sync(String... options) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("--auth", "auth.yaml", "--images", "images.yaml"));
        args.addAll(List.of(options));
        return JarRun.in(work, Map.of(), args.toArray(String[]::new));
    }
}

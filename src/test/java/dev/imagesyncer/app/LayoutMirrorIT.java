package dev.imagesyncer.app;

import dev.imagesyncer.layout.OciLayout;
import dev.imagesyncer.testing.RegistrySeeder;
import dev.imagesyncer.testing.Skopeo;
import dev.imagesyncer.testing.TestImage;
import dev.imagesyncer.testing.TestImages;
import dev.imagesyncer.testing.TestReferrers.Artifact;
import dev.imagesyncer.testing.TestReferrers.Signed;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.imagesyncer.testing.TestReferrers.fallbackTag;
import static dev.imagesyncer.testing.TestReferrers.pushSigned;
import static org.assertj.core.api.Assertions.assertThat;

/** Air gap, step by step: a registry into an OCI layout, then the layout into another registry. */
class LayoutMirrorIT extends TwoRegistries {

    @Test
    void registry_to_layout_to_registry_keeps_every_manifest_byte_identical() throws Exception {
        Path layout = work.resolve("carried");
        Map<String, TestImage> images = seedRoundTrip("oci:" + layout);

        JarRun toDisk = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "out.yaml");
        JarRun again = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "out.yaml");
        JarRun fromDisk = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "in.yaml");

        assertThat(toDisk.exitCode()).as(toDisk.toString()).isZero();
        assertThat(toDisk.summary()).startsWith("Sync finished (succeeded): 4 images synced");
        assertThat(again.summary()).as("a second run finds them there").startsWith(
                "Sync finished (succeeded): 0 images synced, 4 unchanged");
        assertThat(fromDisk.exitCode()).as(fromDisk.toString()).isZero();
        try (OciLayout carried = OciLayout.read(layout)) {
            assertThat(carried.validate()).isEmpty();
            assertThat(carried.refNames()).containsExactlyInAnyOrder("lab/oci:v1", "lab/docker:v1", "lab/list:v1",
                    "lab/index:v1");
        }
        images.forEach((name, image) -> assertThat(Skopeo.inspectRaw(target, "mirror/" + name + ":v1"))
                .as(name).isEqualTo(image.manifest()));
    }

    @Test
    void a_run_killed_while_it_writes_a_layout_leaves_no_partial_blob_under_its_name_and_the_next_completes()
            throws Exception {
        TestImage big = TestImages.ociManifest(4, 48 << 20);
        RegistrySeeder.of(source).push("lab/big", "v1", big);
        Path layout = work.resolve("carried");
        Files.writeString(work.resolve("images.yaml"), source.host() + "/lab/big:v1: oci:" + layout + ":lab/big\n");
        JarRun.writeInsecureAuth(work, source, target);

        JarRun.Running killed = JarRun.start(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml",
                "--proc", "1");
        Path blobs = layout.resolve("blobs").resolve("sha256");
        long deadline = System.nanoTime() + 60_000_000_000L;
        // killed in the middle of the second of four 48 MiB layers, whatever the names it writes under
        while (bytesWritten(blobs) < (72L << 20) && killed.process().isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        killed.kill();
        killed.finish();

        try (OciLayout half = OciLayout.read(layout)) {
            assertThat(half.validate()).as("every blob under its final name matches it").isEmpty();
            assertThat(half.refNames()).as("no manifest before its blobs").isEmpty();
        }
        JarRun rerun = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml");
        assertThat(rerun.exitCode()).as(rerun.toString()).isZero();
        try (OciLayout whole = OciLayout.read(layout)) {
            assertThat(whole.validate()).isEmpty();
            assertThat(whole.refNames()).containsExactly("lab/big:v1");
            assertThat(whole.readBlob(whole.index().find("lab/big:v1").orElseThrow().digest())).isEqualTo(big.manifest());
        }
    }

    @Test
    void referrers_are_untagged_entries_of_the_layout_and_travel_on_to_the_next_registry() throws Exception {
        TestImage image = TestImages.ociManifest(1, 1024);
        RegistrySeeder seeder = RegistrySeeder.of(source);
        seeder.push("lab/app", "v1", image);
        Signed signed = pushSigned(seeder, "lab/app", image);
        Artifact signature = signed.signature();
        Artifact sbom = signed.sbom();
        Artifact sbomSignature = signed.sbomSignature();
        Artifact cosign = signed.cosign();
        Path layout = work.resolve("carried");
        Files.writeString(work.resolve("out.yaml"), source.host() + "/lab/app:v1: oci:" + layout + ":lab/app\n");
        Files.writeString(work.resolve("in.yaml"), "oci:" + layout + ":lab/app:v1: " + target.host()
                + "/mirror/app\n");
        JarRun.writeInsecureAuth(work, source, target);

        JarRun toDisk = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "out.yaml", "--referrers");
        JarRun again = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "out.yaml", "--referrers");
        JarRun fromDisk = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "in.yaml", "--referrers");

        assertThat(toDisk.exitCode()).as(toDisk.toString()).isZero();
        assertThat(toDisk.summary()).contains("referrers: 4 copied, 0 present, 0 skipped");
        try (OciLayout carried = OciLayout.read(layout)) {
            assertThat(carried.index().untagged()).extracting(entry -> entry.digest().toString())
                    .containsExactlyInAnyOrder(signature.digest(), sbom.digest(), sbomSignature.digest());
            assertThat(carried.refNames()).as("no index of the tag schema: the layout lists referrers itself")
                    .containsExactlyInAnyOrder("lab/app:v1", "lab/app:" + fallbackTag(image.digest()) + ".sig");
            assertThat(carried.validate()).isEmpty();
        }
        assertThat(again.summary()).as(again.toString()).contains("referrers: 0 copied, 4 present, 0 skipped");
        assertThat(fromDisk.exitCode()).as(fromDisk.toString()).isZero();
        assertThat(fromDisk.summary()).contains("referrers: 4 copied, 0 present, 0 skipped");
        for (Artifact referrer : List.of(signature, sbom, sbomSignature, cosign)) {
            assertThat(Skopeo.inspectRaw(target, "mirror/app@" + referrer.digest())).isEqualTo(referrer.manifest());
        }
        assertThat(Skopeo.listTags(target, "mirror/app")).containsExactlyInAnyOrder("v1",
                fallbackTag(image.digest()), fallbackTag(image.digest()) + ".sig", fallbackTag(sbom.digest()));
    }

    /** The bytes in the layout's blob directory so far, under any name. */
    private static long bytesWritten(Path blobs) throws java.io.IOException {
        if (!Files.isDirectory(blobs)) {
            return 0;
        }
        try (java.util.stream.Stream<Path> files = Files.list(blobs)) {
            return files.mapToLong(file -> file.toFile().length()).sum();
        }
    }

    @Test
    void a_dry_run_into_a_layout_makes_nothing_and_cluster_mode_refuses_a_layout_in_one_line() throws Exception {
        RegistrySeeder.of(source).push("lab/dry", "v1", TestImages.ociManifest(1, 1024));
        Path layout = work.resolve("not-yet");
        Path archive = work.resolve("not-yet.tar");
        Files.writeString(work.resolve("images.yaml"), source.host() + "/lab/dry:v1:\n  - oci:" + layout
                + ":lab/dry\n  - oci-archive:" + archive + ":lab/dry\n");
        JarRun.writeInsecureAuth(work, source, target);
        Files.writeString(work.resolve("cluster.properties"), "sync.cluster.brokerUrl = tcp://127.0.0.1:1\n");

        JarRun dry = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml", "--dry-run");
        JarRun clustered = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml",
                "--properties", "cluster.properties");

        assertThat(dry.exitCode()).as(dry.toString()).isZero();
        assertThat(dry.summary()).startsWith("Dry run (");
        assertThat(layout).doesNotExist();
        assertThat(archive).doesNotExist();
        assertThat(work.resolve("not-yet.tar.part")).doesNotExist();
        assertThat(clustered.exitCode()).isEqualTo(2);
        assertThat(clustered.stderr().strip()).startsWith("error: rule 1: oci:" + layout)
                .contains("the other instances of the cluster cannot reach").doesNotContain("\n");
    }
}

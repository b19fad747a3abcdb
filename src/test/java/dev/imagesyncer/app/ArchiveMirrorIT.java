package dev.imagesyncer.app;

import dev.imagesyncer.layout.ArchiveReader;
import dev.imagesyncer.testing.Digests;
import dev.imagesyncer.testing.RegistrySeeder;
import dev.imagesyncer.testing.Skopeo;
import dev.imagesyncer.testing.TestImage;
import dev.imagesyncer.testing.TestImages;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Air gap with an archive ({@code oci-archive:FILE.tar}) and whole layouts: a registry into an archive and back,
 * archives and layouts skopeo wrote read through rules, a whole layout pushed under a prefix in one rule. skopeo
 * runs as nobody when the tests are root, so the working directory is opened to it.
 */
class ArchiveMirrorIT extends TwoRegistries {

    @BeforeEach
    void openToSkopeo() throws Exception {
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxrwxrwx"));
    }

    @Test
    void registry_to_archive_to_registry_keeps_every_manifest_and_the_archive_is_complete_with_its_checksum()
            throws Exception {
        Path archive = work.resolve("carried.tar");
        Map<String, TestImage> images = seedRoundTrip("oci-archive:" + archive);

        JarRun toDisk = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "out.yaml");
        assertThat(toDisk.exitCode()).as(toDisk.toString()).isZero();
        assertThat(toDisk.summary()).startsWith("Sync finished (succeeded): 4 images synced");
        String checksum = Files.readString(work.resolve("carried.tar.sha256"));
        assertThat(checksum).isEqualTo(Digests.sha256(Files.readAllBytes(archive)).substring("sha256:".length())
                + "  carried.tar\n");
        assertThat(work.resolve("carried.tar.part")).doesNotExist();
        assertThat(Skopeo.run(List.of("inspect", "--raw", "oci-archive:" + archive + ":lab/oci:v1")))
                .as("skopeo reads the archive").isEqualTo(images.get("oci").manifest());
        try (ArchiveReader reader = ArchiveReader.open(archive)) {
            assertThat(reader.index().refNames()).containsExactlyInAnyOrder("lab/oci:v1", "lab/docker:v1",
                    "lab/list:v1", "lab/index:v1");
        }

        JarRun again = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "out.yaml");
        assertThat(again.summary()).as("each run writes the archive whole")
                .startsWith("Sync finished (succeeded): 4 images synced");
        assertThat(Files.readString(work.resolve("carried.tar.sha256"))).isEqualTo(
                Digests.sha256(Files.readAllBytes(archive)).substring("sha256:".length()) + "  carried.tar\n");

        JarRun fromDisk = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "in.yaml");
        assertThat(fromDisk.exitCode()).as(fromDisk.toString()).isZero();
        assertThat(fromDisk.summary()).startsWith("Sync finished (succeeded): 4 images synced");
        images.forEach((name, image) -> assertThat(Skopeo.inspectRaw(target, "mirror/" + name + ":v1"))
                .as(name).isEqualTo(image.manifest()));
    }

    @Test
    void a_run_killed_while_it_writes_an_archive_leaves_the_last_archive_as_it_was_and_the_next_run_completes()
            throws Exception {
        TestImage small = TestImages.ociManifest(1, 1024);
        TestImage big = TestImages.ociManifest(4, 24 << 20);
        RegistrySeeder seeder = RegistrySeeder.of(source);
        seeder.push("lab/small", "v1", small);
        seeder.push("lab/big", "v1", big);
        Path archive = work.resolve("carried.tar");
        Files.writeString(work.resolve("small.yaml"), source.host() + "/lab/small:v1: oci-archive:" + archive
                + ":lab/small\n");
        Files.writeString(work.resolve("big.yaml"), source.host() + "/lab/big:v1: oci-archive:" + archive
                + ":lab/big\n");
        JarRun.writeInsecureAuth(work, source, target);
        JarRun last = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "small.yaml");
        assertThat(last.exitCode()).as(last.toString()).isZero();
        byte[] lastArchive = Files.readAllBytes(archive);

        JarRun.Running killed = JarRun.start(work, Map.of(), "--auth", "auth.yaml", "--images", "big.yaml",
                "--proc", "1");
        Path part = work.resolve("carried.tar.part");
        long deadline = System.nanoTime() + 60_000_000_000L;
        // killed in the middle of the second of four 24 MiB layers
        while ((!Files.exists(part) || Files.size(part) < (36L << 20)) && killed.process().isAlive()
                && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        killed.kill();
        killed.finish();

        assertThat(Files.readAllBytes(archive)).as("the last complete archive, untouched").isEqualTo(lastArchive);
        assertThat(Files.readString(work.resolve("carried.tar.sha256"))).startsWith(
                Digests.sha256(lastArchive).substring("sha256:".length()));
        assertThat(part).exists();
        JarRun rerun = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "big.yaml");
        assertThat(rerun.exitCode()).as(rerun.toString()).isZero();
        assertThat(part).doesNotExist();
        try (ArchiveReader reader = ArchiveReader.open(archive)) {
            assertThat(reader.index().refNames()).containsExactly("lab/big:v1");
            assertThat(reader.readBlob(reader.index().find("lab/big:v1").orElseThrow().digest()))
                    .isEqualTo(big.manifest());
        }
        assertThat(Skopeo.run(List.of("inspect", "--raw", "oci-archive:" + archive + ":lab/big:v1")))
                .isEqualTo(big.manifest());
    }

    @Test
    void an_archive_that_an_image_did_not_reach_is_not_completed_and_the_last_one_stays() throws Exception {
        RegistrySeeder.of(source).push("lab/small", "v1", TestImages.ociManifest(1, 1024));
        Path archive = work.resolve("carried.tar");
        Files.writeString(archive, "the last complete archive");
        Files.writeString(work.resolve("images.yaml"), source.host() + "/lab/small:v1: oci-archive:" + archive
                + ":lab/small\n" + source.host() + "/lab/absent:v1: oci-archive:" + archive + ":lab/absent\n");
        JarRun.writeInsecureAuth(work, source, target);

        JarRun run = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml");

        assertThat(run.exitCode()).as(run.toString()).isNotZero();
        assertThat(run.summary()).startsWith("Sync finished (partial): 1 image synced, 0 unchanged, 1 failed");
        assertThat(run.stderr()).contains("oci-archive:" + archive + ": not every image reached it");
        assertThat(Files.readString(archive)).isEqualTo("the last complete archive");
        assertThat(work.resolve("carried.tar.part")).exists();
    }

    @Test
    void an_archive_and_a_layout_skopeo_wrote_are_pushed_by_their_bare_refs_and_a_whole_layout_rule_over_them_is_one_error()
            throws Exception {
        TestImage image = TestImages.ociManifest(2, 4096);
        RegistrySeeder.of(source).push("lab/app", "v1", image);
        Path archive = work.resolve("theirs.tar");
        Path layout = work.resolve("theirs");
        Skopeo.copyOut(source, "lab/app:v1", "oci-archive:" + archive + ":1.0");
        Skopeo.copyOut(source, "lab/app:v1", "oci:" + layout + ":1.0");
        Files.writeString(work.resolve("in.yaml"), "oci:" + layout + ":1.0: " + target.host()
                + "/mirror/from-layout:v1\n");
        Files.writeString(work.resolve("whole.yaml"), "oci:" + layout + ": " + target.host() + "/mirror/all\n");
        JarRun.writeInsecureAuth(work, source, target);

        JarRun pushed = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "in.yaml");
        JarRun onCommandLine = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--src",
                "oci-archive:" + archive + ":1.0", "--dest", target.host() + "/mirror/from-archive");
        JarRun whole = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "whole.yaml");

        assertThat(pushed.exitCode()).as(pushed.toString()).isZero();
        assertThat(pushed.summary()).startsWith("Sync finished (succeeded): 1 image synced");
        assertThat(onCommandLine.exitCode()).as(onCommandLine.toString()).isZero();
        assertThat(onCommandLine.summary()).startsWith("Sync finished (succeeded): 1 image synced");
        assertThat(Skopeo.inspectRaw(target, "mirror/from-archive:1.0")).isEqualTo(
                Skopeo.run(List.of("inspect", "--raw", "oci-archive:" + archive + ":1.0")));
        assertThat(Skopeo.inspectRaw(target, "mirror/from-layout:v1")).isEqualTo(
                Skopeo.run(List.of("inspect", "--raw", "oci:" + layout + ":1.0")));
        assertThat(whole.exitCode()).as(whole.toString()).isNotZero();
        assertThat(whole.stdout().lines().filter(line -> line.contains("without a repository")))
                .singleElement().asString()
                .contains("oci:" + layout + " names an image without a repository (1.0)")
                .contains("copy each with oci:" + layout + ":1.0: REG/repository[:tag]");
    }

    @Test
    void a_whole_layout_is_pushed_under_a_prefix_in_one_rule_each_repository_keeping_its_path() throws Exception {
        TestImage app = TestImages.ociManifest(1, 2048);
        TestImage tool = TestImages.dockerManifestList(1, 2048);
        RegistrySeeder seeder = RegistrySeeder.of(source);
        seeder.push("team/app", "1.0", app);
        seeder.push("team/app", "2.0", app);
        seeder.push("tools/tool", "v3", tool);
        Path layout = work.resolve("mirror");
        Files.writeString(work.resolve("out.yaml"), source.host() + "/**: oci:" + layout + "\n");
        Files.writeString(work.resolve("in.yaml"), "oci:" + layout + ": " + target.host() + "/restored\n");
        JarRun.writeInsecureAuth(work, source, target);

        JarRun toDisk = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "out.yaml");
        JarRun fromDisk = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "in.yaml");

        assertThat(toDisk.exitCode()).as(toDisk.toString()).isZero();
        assertThat(toDisk.summary()).startsWith("Sync finished (succeeded): 3 images synced");
        assertThat(fromDisk.exitCode()).as(fromDisk.toString()).isZero();
        assertThat(fromDisk.summary()).startsWith("Sync finished (succeeded): 3 images synced");
        assertThat(Skopeo.inspectRaw(target, "restored/team/app:1.0")).isEqualTo(app.manifest());
        assertThat(Skopeo.inspectRaw(target, "restored/team/app:2.0")).isEqualTo(app.manifest());
        assertThat(Skopeo.inspectRaw(target, "restored/tools/tool:v3")).isEqualTo(tool.manifest());
    }
}

package dev.imagesyncer.app;

import dev.imagesyncer.testing.FaultProxy;
import dev.imagesyncer.testing.FaultProxy.Fault;
import dev.imagesyncer.testing.MirrorCheck;
import dev.imagesyncer.testing.RegistryExtension;
import dev.imagesyncer.testing.RegistrySeeder;
import dev.imagesyncer.testing.Skopeo;
import dev.imagesyncer.testing.TestImage;
import dev.imagesyncer.testing.TestImages;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kill -9} in the middle of a run, with blob downloads hanging mid-body and uploads half done, then the
 * same command again: it finishes, copies only what the first run did not, and the mirror verifies.
 */
class CrashResumeIT extends TwoRegistries {

    @Test
    void a_run_killed_mid_transfer_is_finished_by_the_next_run_copying_only_what_is_missing() throws Exception {
        Map<String, TestImage> images = new LinkedHashMap<>();
        for (int i = 0; i < 10; i++) {
            images.put("t" + i, TestImages.ociManifest(2, 1 << 20));
            RegistrySeeder.of(source).push("lab/crash", "t" + i, images.get("t" + i));
        }
        // the layers of t5..t9 hang in the middle of their download: those images are mid-transfer at the kill
        String hanging = images.entrySet().stream().filter(e -> e.getKey().compareTo("t5") >= 0)
                .flatMap(e -> e.getValue().blobs().keySet().stream())
                .collect(Collectors.joining("|"));
        try (FaultProxy proxy = FaultProxy.in(source, 1).stallMillis(120_000)) {
            proxy.inject(Fault.STALL_IN_BODY, "GET /v2/lab/crash/blobs/(" + hanging + ")", 1000);
            Files.writeString(work.resolve("images.yaml"), proxy.host() + "/lab/crash: " + target.host() + "/mirror/crash\n");
            JarRun.writeInsecureAuth(work, proxy, target);
            String[] command = {"--auth", "auth.yaml", "--images", "images.yaml", "--proc", "20"};

            JarRun.Running first = JarRun.start(work, Map.of(), command);
            first.awaitLines("[", 5);
            while (proxy.injected().getOrDefault(Fault.STALL_IN_BODY, 0) < 5) {
                Thread.sleep(20);
            }
            first.kill();

            List<String> mirrored = tagsIn(target, images.keySet());
            assertThat(mirrored).as("images copied before the kill").hasSize(5)
                    .containsExactly("t0", "t1", "t2", "t3", "t4");
            assertThat(MirrorCheck.danglingReferences(target, "mirror/crash", images.keySet())).isEmpty();
            List<String> missingBlobs = new ArrayList<>();
            images.values().forEach(image -> image.blobs().keySet().stream()
                    .filter(digest -> !RegistrySeeder.of(target).blobExists("mirror/crash", digest))
                    .forEach(missingBlobs::add));

            proxy.reset();
            JarRun second = JarRun.in(work, Map.of(), command);

            assertThat(second.exitCode()).as(second.toString()).isZero();
            assertThat(second.summary()).startsWith("Sync finished (succeeded): 5 images synced, 5 unchanged, 0 failed, 0 filtered, 0 not started; blobs: "
                    + missingBlobs.size() + " copied, ");
        }
        for (Map.Entry<String, TestImage> image : images.entrySet()) {
            assertThat(Skopeo.inspectRaw(target, "mirror/crash:" + image.getKey()))
                    .isEqualTo(image.getValue().manifest());
        }
        assertThat(MirrorCheck.danglingReferences(target, "mirror/crash", images.keySet())).isEmpty();
    }

    @Test
    void an_upload_cut_off_by_kill_9_is_carried_on_by_the_next_run_from_where_the_registry_stopped()
            throws Exception {
        TestImage image = TestImages.ociManifest(1, 40 << 20);
        RegistrySeeder.of(source).push("lab/big", "v1", image);
        String layer = image.blobs().entrySet().stream().max(Map.Entry.comparingByValue(
                java.util.Comparator.comparingInt(bytes -> bytes.length))).orElseThrow().getKey();
        // 4 MiB chunks; the layer's download hangs after 20 MiB, exactly when the sixth chunk is due
        Map<String, String> environment = Map.of("CAMEL_IMAGE_SYNCER_CHUNK_MIB", "4");
        try (FaultProxy proxy = FaultProxy.in(source, 2).stallMillis(120_000)) {
            proxy.inject(Fault.STALL_IN_BODY, "GET /v2/lab/big/blobs/" + layer, 1);
            Files.writeString(work.resolve("images.yaml"), proxy.host() + "/lab/big:v1: " + target.host() + "/mirror/big\n");
            JarRun.writeInsecureAuth(work, proxy, target);
            String[] command = {"--auth", "auth.yaml", "--images", "images.yaml"};

            JarRun.Running first = JarRun.start(work, environment, command);
            assertThat(first.awaitJournalOffset(work, 20 << 20)).isEqualTo(20 << 20);
            first.kill();
            assertThat(RegistrySeeder.of(target).fetchManifest("mirror/big", "v1")).isEmpty();

            proxy.reset();
            JarRun second = JarRun.in(work, environment, command);

            assertThat(second.exitCode()).as(second.toString()).isZero();
            assertThat(second.stderr()).contains("carrying on the upload an earlier run left at byte " + (20 << 20));
            assertThat(second.summary()).as("only the second half of the layer (and the config) is sent")
                    .startsWith("Sync finished (succeeded): 1 image synced").contains("; 20.0 MiB in ");
            assertThat(JarRun.journalOffsets(work)).as("the journal forgets a finished upload").isEmpty();
        }
        assertThat(Skopeo.inspectRaw(target, "mirror/big:v1")).isEqualTo(image.manifest());
        assertThat(RegistrySeeder.of(target).blobExists("mirror/big", layer)).isTrue();
    }

    private static List<String> tagsIn(RegistryExtension registry, Iterable<String> tags) {
        List<String> present = new ArrayList<>();
        for (String tag : tags) {
            if (RegistrySeeder.of(registry).fetchManifest("mirror/crash", tag).isPresent()) {
                present.add(tag);
            }
        }
        return present;
    }
}

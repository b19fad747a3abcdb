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
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What long runs meet besides flaky networks: a stop (SIGTERM) in the middle of a large upload, a kill -9 in front
 * of a registry that keeps only whole chunks, a registry killed and restarted mid-run, tokens that expire during an
 * upload, and a registry whose disk is full. Each run is the packaged jar; the registries are real; the faults come
 * from a front ({@link FaultProxy}) that throttles uploads, holds chunks until whole, refuses expired tokens or
 * answers as a full disk does.
 */
class ChaosIT extends TwoRegistries {

    private static final int MIB = 1 << 20;
    /** 4 MiB chunks: blobs over 16 MiB are uploaded in chunks. */
    private static final Map<String, String> CHUNKS_OF_4_MIB = Map.of("CAMEL_IMAGE_SYNCER_CHUNK_MIB", "4");

    @RegisterExtension
    static final RegistryExtension tokenTarget = RegistryExtension.tokenAuth();

    @Test
    void sigterm_mid_chunk_stops_at_the_chunk_boundary_within_the_stop_timeout_and_the_rerun_sends_only_the_rest()
            throws Exception {
        TestImage image = TestImages.ociManifest(1, 40 * MIB);
        RegistrySeeder.of(source).push("lab/big", "v1", image);
        try (FaultProxy front = FaultProxy.in(target, 1).throttleRequestBodies(4L * MIB)) { // a chunk a second
            String[] command = writeFiles("lab/big:v1", front, "mirror/big", "--stop-timeout", "30");

            JarRun.Running first = JarRun.start(work, CHUNKS_OF_4_MIB, command);
            first.awaitJournalOffset(work, 8L * MIB);
            Thread.sleep(400); // in the middle of the third chunk
            long stopped = System.nanoTime();
            first.terminate();
            assertThat(first.process().waitFor(30, TimeUnit.SECONDS)).as("exits within --stop-timeout").isTrue();
            long stopSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - stopped);
            JarRun interrupted = first.finish();

            assertThat(interrupted.exitCode()).as(interrupted.toString()).isEqualTo(143); // 128 + SIGTERM
            assertThat(stopSeconds).as("the chunk in flight takes about a second").isLessThan(10);
            assertThat(interrupted.summary()).startsWith("Sync finished (interrupted): 0 images synced, 0 unchanged, "
                    + "0 failed, 0 filtered, 0 not started, 1 stopped; blobs: ");
            assertThat(interrupted.stdout()).contains("stopped: ").contains("the next run carries the upload on");
            List<Long> journaled = JarRun.journalOffsets(work);
            assertThat(journaled).as("the session is journaled at a chunk boundary").singleElement()
                    .satisfies(offset -> assertThat(offset % (4 * MIB)).isZero())
                    .satisfies(offset -> assertThat(offset).isGreaterThanOrEqualTo(12L * MIB));
            assertThat(RegistrySeeder.of(target).fetchManifest("mirror/big", "v1")).isEmpty();

            front.throttleRequestBodies(0);
            long sentBefore = front.requestBodyBytes();
            JarRun second = JarRun.in(work, CHUNKS_OF_4_MIB, command);

            assertThat(second.exitCode()).as(second.toString()).isZero();
            assertThat(second.stderr()).contains("carrying on the upload an earlier run left at byte "
                    + journaled.get(0));
            assertThat(front.requestBodyBytes() - sentBefore).as("the rerun sends the blob minus the journaled offset")
                    .isLessThanOrEqualTo(40L * MIB - journaled.get(0) + 64 * 1024);
        }
        assertThat(Skopeo.inspectRaw(target, "mirror/big:v1")).isEqualTo(image.manifest());
        assertThat(RegistrySeeder.of(target).blobExists("mirror/big", largestBlob(image))).isTrue();
    }

    @Test
    void past_the_stop_timeout_the_upload_is_abandoned_the_report_says_so_and_the_refused_session_is_said_and_redone()
            throws Exception {
        TestImage image = TestImages.ociManifest(1, 24 * MIB);
        RegistrySeeder.of(source).push("lab/slow", "v1", image);
        try (FaultProxy front = FaultProxy.in(target, 2).throttleRequestBodies(MIB)) { // 4 s a chunk
            String[] command = writeFiles("lab/slow:v1", front, "mirror/slow", "--stop-timeout", "1",
                    "--reports", "reports");

            JarRun.Running first = JarRun.start(work, CHUNKS_OF_4_MIB, command);
            first.awaitJournalOffset(work, 4L * MIB);
            Thread.sleep(1000); // a quarter of the next chunk has reached the registry
            long stopped = System.nanoTime();
            first.terminate();
            assertThat(first.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
            long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped);
            JarRun abandoned = first.finish();

            assertThat(stopMillis).as("exits once the stop timeout of 1 s passed").isLessThan(5000);
            assertThat(abandoned.summary()).as(abandoned.toString())
                    .startsWith("Sync finished (interrupted): 0 images synced, 0 unchanged, 0 failed, 0 filtered, "
                            + "0 not started, 1 stopped; ")
                    .endsWith("; the stop timeout of 1 s passed: uploads in flight abandoned (the next run starts "
                            + "again those its registry cannot carry on)");
            try (var reports = Files.list(work.resolve("reports"))) {
                String report = Files.readString(reports.filter(file -> file.toString().endsWith(".json"))
                        .findFirst().orElseThrow());
                assertThat(report).contains("\"status\" : \"interrupted\"").contains("\"stopped\" : 1")
                        .contains("abandoned in the middle of its copy");
            }
            long journaled = JarRun.journalOffsets(work).get(0);

            // distribution wrote the part of the cut-off chunk that reached it: it refuses to carry the session on
            front.throttleRequestBodies(0);
            JarRun second = JarRun.in(work, CHUNKS_OF_4_MIB, command);

            assertThat(second.exitCode()).as(second.toString()).isZero();
            assertThat(second.stderr()).containsPattern("the registry did not carry on the upload an earlier run left "
                    + "at byte " + journaled + " \\((it answers HTTP 404 BLOB_UPLOAD_INVALID for its session|its session "
                    + "holds \\d+ bytes)\\): sending the blob from the start");
            assertThat(second.summary()).startsWith("Sync finished (succeeded): 1 image synced");
        }
        assertThat(Skopeo.inspectRaw(target, "mirror/slow:v1")).isEqualTo(image.manifest());
    }

    @Test
    void kill_9_mid_chunk_in_front_of_a_registry_that_keeps_whole_chunks_is_carried_on_from_the_last_chunk()
            throws Exception {
        TestImage image = TestImages.ociManifest(1, 32 * MIB);
        RegistrySeeder.of(source).push("lab/whole", "v1", image);
        try (FaultProxy front = FaultProxy.in(target, 3).throttleRequestBodies(4L * MIB).wholeRequestBodies()) {
            String[] command = writeFiles("lab/whole:v1", front, "mirror/whole");

            JarRun.Running first = JarRun.start(work, CHUNKS_OF_4_MIB, command);
            first.awaitJournalOffset(work, 8L * MIB);
            Thread.sleep(500); // half of the next chunk is on its way
            first.kill();
            long journaled = JarRun.journalOffsets(work).get(0);

            front.throttleRequestBodies(0);
            long sentBefore = front.requestBodyBytes();
            JarRun second = JarRun.in(work, CHUNKS_OF_4_MIB, command);

            assertThat(second.exitCode()).as(second.toString()).isZero();
            assertThat(second.stderr()).contains("carrying on the upload an earlier run left at byte " + journaled);
            assertThat(front.requestBodyBytes() - sentBefore).isLessThanOrEqualTo(32L * MIB - journaled + 64 * 1024);
        }
        assertThat(Skopeo.inspectRaw(target, "mirror/whole:v1")).isEqualTo(image.manifest());
    }

    @Test
    void a_registry_killed_and_restarted_mid_run_leaves_no_broken_tag_and_a_rerun_completes() throws Exception {
        Map<String, TestImage> images = new LinkedHashMap<>();
        for (int i = 0; i < 8; i++) {
            images.put("t" + i, TestImages.ociManifest(2, 2 * MIB));
            RegistrySeeder.of(source).push("lab/restart", "t" + i, images.get("t" + i));
        }
        try (FaultProxy front = FaultProxy.in(target, 4).throttleRequestBodies(8L * MIB)) {
            String[] command = writeFiles("lab/restart", front, "mirror/restart", "--proc", "2", "--retries", "4");

            JarRun.Running first = JarRun.start(work, Map.of(), command);
            first.awaitLines("[", 2);
            target.kill(); // as an OOM kill: uploads and manifest pushes in flight are cut
            Thread.sleep(2000);
            target.restart();
            JarRun during = first.finish();

            assertThat(MirrorCheck.danglingReferences(target, "mirror/restart", images.keySet()))
                    .as("every tag present leads to a whole image\n" + during).isEmpty();

            front.throttleRequestBodies(0);
            JarRun after = JarRun.in(work, Map.of(), command);
            assertThat(after.exitCode()).as(after.toString()).isZero();
        }
        for (Map.Entry<String, TestImage> image : images.entrySet()) {
            assertThat(Skopeo.inspectRaw(target, "mirror/restart:" + image.getKey()))
                    .isEqualTo(image.getValue().manifest());
        }
    }

    @Test
    void a_5_second_token_expiring_mid_upload_is_renewed_and_a_401_on_the_commit_is_sent_again_in_its_session()
            throws Exception {
        TestImage image = TestImages.ociManifest(1, 14 * MIB);
        RegistrySeeder.of(source).push("lab/token", "v1", image);
        tokenTarget.tokenServer().expiresInSeconds(5);
        try (FaultProxy front = FaultProxy.in(tokenTarget, 5).throttleRequestBodies(2L * MIB).rejectExpiredTokens()) {
            // 2 MiB chunks at 2 MiB/s: the layer takes 7 s, past the first token's life
            String[] command = writeFiles("lab/token:v1", front, "mirror/token");
            tokenTarget.tokenServer().clearRequests();
            // and the layer's closing PUT is refused once, as a token the registry no longer takes
            String layer = largestBlob(image).replace(":", "%3A");
            front.inject(Fault.TOKEN_REFUSED, "PUT /v2/mirror/token/blobs/uploads/.*digest=" + layer + ".*", 1);

            JarRun run = JarRun.in(work, Map.of("CAMEL_IMAGE_SYNCER_CHUNK_MIB", "2"), command);

            assertThat(run.exitCode()).as(run.toString()).isZero();
            long pushTokens = tokenTarget.tokenServer().requests().stream()
                    .filter(request -> String.join(" ", request.scopes()).contains("push")).count();
            assertThat(pushTokens).as("the push token is renewed while the layer uploads, not before every request")
                    .isBetween(2L, 4L);
            assertThat(front.requestLog()).filteredOn(request -> request.method().equals("POST"))
                    .as("one upload session per blob (config, layer): the layer's session survives").hasSize(2);
            assertThat(front.expiredTokensRefused()).as("renewed before it expired").isZero();
            assertThat(front.injected()).containsEntry(Fault.TOKEN_REFUSED, 1);
            assertThat(run.summary()).contains("1 retry,");
        } finally {
            tokenTarget.tokenServer().expiresInSeconds(300);
        }
        assertThat(Skopeo.inspectRaw(tokenTarget, "mirror/token:v1")).isEqualTo(image.manifest());
    }

    @Test
    void a_target_out_of_space_fails_its_images_with_a_line_saying_so_and_a_rerun_after_freeing_space_completes()
            throws Exception {
        Map<String, TestImage> images = new LinkedHashMap<>();
        for (int i = 0; i < 2; i++) {
            images.put("t" + i, TestImages.ociManifest(1, 64 * 1024));
            RegistrySeeder.of(source).push("lab/full", "t" + i, images.get("t" + i));
        }
        try (FaultProxy front = FaultProxy.in(target, 6)) {
            front.inject(Fault.DISK_FULL, "(PATCH|PUT) /v2/mirror/full/blobs/uploads/.*", 1000);
            String[] command = writeFiles("lab/full", front, "mirror/full", "--retries", "2");

            JarRun full = JarRun.in(work, Map.of(), command);

            assertThat(full.exitCode()).as(full.toString()).isEqualTo(255);
            assertThat(full.stdout().lines().filter(line -> line.contains("failed: ")))
                    .hasSize(2).allSatisfy(line -> assertThat(line)
                            .endsWith("the registry is out of space; free space there, then run again"));
            assertThat(full.summary()).contains("2 failed").contains("0 retries");
            assertThat(MirrorCheck.danglingReferences(target, "mirror/full", images.keySet())).isEmpty();

            front.reset(); // space freed
            JarRun rerun = JarRun.in(work, Map.of(), command);
            assertThat(rerun.exitCode()).as(rerun.toString()).isZero();
            assertThat(rerun.summary()).startsWith("Sync finished (succeeded): 2 images synced");
        }
        for (Map.Entry<String, TestImage> image : images.entrySet()) {
            assertThat(Skopeo.inspectRaw(target, "mirror/full:" + image.getKey())).isEqualTo(image.getValue().manifest());
        }
    }

    /** Writes the images file (one rule from the source registry to {@code front}) and the auth file. */
    private String[] writeFiles(String sourceRepository, FaultProxy front, String destination, String... flags)
            throws Exception {
        Files.writeString(work.resolve("images.yaml"), source.host() + "/" + sourceRepository + ": " + front.host()
                + "/" + destination + "\n");
        JarRun.writeInsecureAuth(work, source, front);
        List<String> command = new ArrayList<>(List.of("--auth", "auth.yaml", "--images", "images.yaml"));
        command.addAll(List.of(flags));
        return command.toArray(String[]::new);
    }

    private static String largestBlob(TestImage image) {
        return image.blobs().entrySet().stream()
                .max(Map.Entry.comparingByValue(Comparator.comparingInt(bytes -> bytes.length))).orElseThrow()
                .getKey();
    }
}

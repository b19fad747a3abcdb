package dev.imagesyncer.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagesyncer.testing.FaultProxy;
import dev.imagesyncer.testing.FaultProxy.Fault;
import dev.imagesyncer.testing.MirrorCheck;
import dev.imagesyncer.testing.RegistrySeeder;
import dev.imagesyncer.testing.Skopeo;
import dev.imagesyncer.testing.TestImage;
import dev.imagesyncer.testing.TestImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run of 30 images (single manifests, a Docker list, OCI indexes) through proxies that break a share of the
 * requests on both sides, by seeded chance and of every kind {@link FaultProxy} knows: resets, 5xx, 429 with
 * both forms of {@code Retry-After}, stalls, truncated and corrupted bodies.
 */
class FaultInjectionIT extends TwoRegistries {

    /** repository -> tag -> image, in the source. */
    private static final Map<String, Map<String, TestImage>> IMAGES = new LinkedHashMap<>();
    private static final Pattern SUMMARY_RETRIES = Pattern.compile("; (\\d+) retr(?:y|ies), (\\d+) rate-limited \\(429\\)$");

    @BeforeAll
    static void seed() {
        TestImages.Generator images = TestImages.seeded(6);
        for (String repository : List.of("lab/alpha", "lab/beta", "lab/gamma")) {
            Map<String, TestImage> tags = new LinkedHashMap<>();
            for (int i = 0; i < 8; i++) {
                tags.put("v" + i, i % 2 == 0 ? images.ociManifest(2, 96 * 1024) : images.dockerV2(2, 160 * 1024));
            }
            IMAGES.put(repository, tags);
        }
        IMAGES.put("lab/multi", Map.of("oci-1", images.ociIndex(1, 64 * 1024), "oci-2", images.ociIndex(2, 64 * 1024),
                "docker", images.dockerManifestList(1, 64 * 1024), "big", images.ociManifest(1, 3 << 20),
                "small", images.dockerV2(1, 1024), "tiny", images.ociManifest(1, 10)));
        IMAGES.forEach((repository, tags) -> tags.forEach((tag, image) ->
                RegistrySeeder.of(source).push(repository, tag, image)));
    }

    @Test
    void with_ten_retries_every_image_arrives_byte_identical_through_10_percent_faults() throws Exception {
        try (FaultProxy pull = FaultProxy.in(source, 11).rate(0.10).stallMillis(20_000);
             FaultProxy push = FaultProxy.in(target, 12).rate(0.10).stallMillis(20_000)) {
            writeFiles(pull, push, "clean");
            // a step is tried retries + 1 times in all (a blob transfer takes 4 or 5 requests, each of which may
            // break): ten retries with short waits, from the working directory's properties
            Files.writeString(work.resolve("application.properties"),
                    "sync.retries.delay = 50\nsync.retries.maxDelay = 1000\n");

            JarRun run = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml",
                    "--proc", "8", "--read-timeout", "2", "--retries", "10");

            System.out.printf("faults injected: pull %d of %d requests %s, push %d of %d requests %s%n%s%n",
                    total(pull.injected()), pull.requests(), pull.injected(), total(push.injected()), push.requests(),
                    push.injected(), run.summary());
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.summary()).startsWith("Sync finished (succeeded): 30 images synced, 0 unchanged, 0 failed");
            int faults = total(pull.injected()) + total(push.injected());
            assertThat(faults).as("faults injected: %s %s", pull.injected(), push.injected()).isGreaterThan(30);
            assertThat(pull.injected().keySet()).hasSizeGreaterThan(6);
            assertThat(push.injected().keySet()).hasSizeGreaterThan(4);
            Matcher retries = SUMMARY_RETRIES.matcher(run.summary());
            assertThat(retries.find()).as(run.summary()).isTrue();
            assertThat(Integer.parseInt(retries.group(1))).isGreaterThanOrEqualTo(faults / 2);
        }
        IMAGES.forEach((repository, tags) -> {
            String mirror = "clean/" + repository.substring("lab/".length());
            tags.forEach((tag, image) ->
                    assertThat(Skopeo.inspectRaw(target, mirror + ":" + tag)).as(mirror + ":" + tag)
                            .isEqualTo(image.manifest()));
            tags.values().forEach(image -> image.allBlobs().keySet().forEach(digest ->
                    assertThat(RegistrySeeder.of(target).blobExists(mirror, digest)).as(digest).isTrue()));
        });
    }

    @Test
    void when_faults_outlast_the_retries_the_failed_images_are_reported_and_no_tag_is_broken() throws Exception {
        // the quick kinds only: the waits of stalls and Retry-After are the first test's business
        Fault[] quick = {Fault.RESET_BEFORE_RESPONSE, Fault.RESET_IN_BODY, Fault.STATUS_500, Fault.STATUS_502,
                Fault.STATUS_503, Fault.TRUNCATED_BODY, Fault.WRONG_BYTES};
        try (FaultProxy pull = FaultProxy.in(source, 21).rate(0.15).kinds(quick);
             FaultProxy push = FaultProxy.in(target, 22).rate(0.15).kinds(quick)) {
            writeFiles(pull, push, "broken");

            JarRun run = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml", "--proc", "8",
                    "--read-timeout", "2", "--retries", "1", "--output-failed-images", "failed.json",
                    "--output-images-format", "json");

            System.out.printf("faults injected: pull %d of %d requests, push %d of %d requests%n%s%n",
                    total(pull.injected()), pull.requests(), total(push.injected()), push.requests(), run.summary());
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(255);
            Map<String, Object> failed = new ObjectMapper().readValue(work.resolve("failed.json").toFile(),
                    new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { });
            assertThat(failed).isNotEmpty();
            List<String> absent = new ArrayList<>();
            IMAGES.forEach((repository, tags) -> {
                String mirror = "broken/" + repository.substring("lab/".length());
                assertThat(MirrorCheck.danglingReferences(target, mirror, tags.keySet())).as(mirror).isEmpty();
                tags.forEach((tag, image) -> {
                    if (RegistrySeeder.of(target).fetchManifest(mirror, tag).isEmpty()) {
                        absent.add(pull.host() + "/" + repository + ":" + tag);
                    } else {
                        assertThat(Skopeo.inspectRaw(target, mirror + ":" + tag)).isEqualTo(image.manifest());
                    }
                });
            });
            assertThat(failed.keySet()).as("reported as failed").containsExactlyInAnyOrderElementsOf(absent);
            int synced = 30 - absent.size();
            assertThat(run.summary()).contains(synced + (synced == 1 ? " image" : " images") + " synced, 0 unchanged, "
                    + absent.size() + " failed");
        }
    }

    private void writeFiles(FaultProxy pull, FaultProxy push, String mirrorNamespace) throws Exception {
        StringBuilder images = new StringBuilder();
        for (String repository : IMAGES.keySet()) {
            images.append(pull.host()).append('/').append(repository).append(": ").append(push.host()).append('/')
                    .append(mirrorNamespace).append('/').append(repository.substring("lab/".length())).append('\n');
        }
        Files.writeString(work.resolve("images.yaml"), images);
        JarRun.writeInsecureAuth(work, pull, push);
    }

    private static int total(Map<?, Integer> counts) {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }
}

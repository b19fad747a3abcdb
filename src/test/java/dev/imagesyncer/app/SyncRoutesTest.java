package dev.imagesyncer.app;

import dev.imagesyncer.registry.ErrorCode;
import dev.imagesyncer.registry.PermanentRegistryException;
import dev.imagesyncer.registry.TransientRegistryException;
import dev.imagesyncer.report.ImageOutcome;
import dev.imagesyncer.report.RunSummary;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped routes, with stubs for the registry steps: what flows where, what is retried, what is counted. */
class SyncRoutesTest {

    private static Map<String, Object> images(int count) {
        Map<String, Object> images = new LinkedHashMap<>();
        for (int i = 1; i <= count; i++) {
            images.put("src.test/lab/app:v" + i, "dst.test/mirror/app");
        }
        return images;
    }

    @Test
    void every_image_is_synced_and_each_blob_is_copied_through_copy_blob() throws Exception {
        try (RoutesHarness routes = RoutesHarness.shipped(Map.of())) {
            RunSummary summary = routes.run(images(3));

            assertThat(summary.status()).isEqualTo(RunSummary.SUCCEEDED);
            assertThat(summary.images().synced()).isEqualTo(3);
            assertThat(routes.pushed).containsExactlyInAnyOrder("dst.test/mirror/app:v1", "dst.test/mirror/app:v2",
                    "dst.test/mirror/app:v3");
            assertThat(routes.blobCalls(RoutesHarness.SHARED_LAYER)).isEqualTo(3);
            assertThat(routes.blobCalls("v2")).isEqualTo(1);
            assertThat(summary.transfers().blobsCopied()).isEqualTo(6);
        }
    }

    @Test
    void a_transient_blob_failure_is_redelivered_by_copy_blob_only() throws Exception {
        try (RoutesHarness routes = RoutesHarness.shipped(Map.of("sync.retries", "2"))) {
            routes.failingBlobs.put("v2", blob -> new TransientRegistryException(blob + ": HTTP 503", 503,
                    ErrorCode.UNKNOWN, null, null));

            RunSummary summary = routes.run(images(3));

            assertThat(routes.blobCalls("v2")).as("tried retries + 1 times in all").isEqualTo(3);
            assertThat(routes.planCalls.get("dst.test/mirror/app:v2").get()).as("the image is not redelivered")
                    .isEqualTo(1);
            assertThat(routes.pushed).as("no manifest pushed without its blob")
                    .containsExactlyInAnyOrder("dst.test/mirror/app:v1", "dst.test/mirror/app:v3");
            assertThat(summary.status()).isEqualTo(RunSummary.PARTIAL);
            assertThat(summary.images().failed()).isEqualTo(1);
            assertThat(summary.outcomes()).filteredOn(o -> o.result().equals(ImageOutcome.FAILED))
                    .singleElement().satisfies(o -> assertThat(o.detail()).contains("HTTP 503"));
            assertThat(summary.transfers().retries()).isEqualTo(2);
        }
    }

    @Test
    void a_permanent_blob_failure_is_not_redelivered() throws Exception {
        try (RoutesHarness routes = RoutesHarness.shipped(Map.of("sync.retries", "2"))) {
            routes.failingBlobs.put("v1", blob -> new PermanentRegistryException(blob + ": DENIED", 403,
                    ErrorCode.DENIED));

            RunSummary summary = routes.run(images(2));

            assertThat(routes.blobCalls("v1")).isEqualTo(1);
            assertThat(summary.images().failed()).isEqualTo(1);
            assertThat(summary.images().synced()).isEqualTo(1);
        }
    }

    @Test
    void a_transient_manifest_step_failure_is_redelivered_by_copy_image() throws Exception {
        try (RoutesHarness routes = RoutesHarness.shipped(Map.of("sync.retries", "3"))) {
            routes.failingPlans.put("dst.test/mirror/app:v1", d -> new TransientRegistryException(
                    "HEAD manifest " + d + ": HTTP 502", 502, ErrorCode.UNKNOWN, null, null));

            RunSummary summary = routes.run(images(2));

            assertThat(routes.planCalls.get("dst.test/mirror/app:v1").get()).isEqualTo(4);
            assertThat(summary.images().failed()).isEqualTo(1);
            assertThat(summary.outcomes()).filteredOn(o -> o.result().equals(ImageOutcome.FAILED))
                    .singleElement().satisfies(o -> assertThat(o.attempts()).isEqualTo(4));
        }
    }
}

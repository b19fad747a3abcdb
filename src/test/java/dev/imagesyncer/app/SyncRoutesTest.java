package dev.imagesyncer.app;

import dev.imagesyncer.job.ImageJob;
import dev.imagesyncer.job.JobOptions;
import dev.imagesyncer.pipeline.ActiveRuns;
import dev.imagesyncer.pipeline.Headers;
import dev.imagesyncer.registry.DigestMismatchException;
import dev.imagesyncer.registry.ErrorCode;
import dev.imagesyncer.registry.PermanentRegistryException;
import dev.imagesyncer.registry.TransientRegistryException;
import dev.imagesyncer.report.ImageOutcome;
import dev.imagesyncer.report.RunSummary;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.model.SplitDefinition;
import org.apache.camel.model.dataformat.JsonLibrary;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void the_image_jobs_come_out_of_list_tags_in_the_images_file_order_whatever_finishes_first() throws Exception {
        try (RoutesHarness routes = RoutesHarness.shipped(Map.of())) {
            MockEndpoint jobs = routes.context().getEndpoint("mock:jobs", MockEndpoint.class);
            AdviceWith.adviceWith(routes.context(), "run", route -> route.weaveByType(SplitDefinition.class)
                    .selectFirst().after().to("mock:jobs"));
            jobs.expectedMessageCount(1);
            Map<String, Object> images = new LinkedHashMap<>();
            images.put("src.test/lab/a:v1,v2", "dst.test/mirror/a");
            images.put("src.test/lab/b:v1", "dst.test/mirror/b");
            images.put("src.test/lab/c:v1", "dst.test/mirror/c");
            routes.slowRules.put("src.test/lab/a:v1,v2", 300L);

            routes.run(images);

            jobs.assertIsSatisfied();
            List<?> planned = jobs.getExchanges().get(0).getMessage().getBody(List.class);
            assertThat(planned).map(job -> ((ImageJob) job).source()).containsExactly("src.test/lab/a:v1",
                    "src.test/lab/a:v2", "src.test/lab/b:v1", "src.test/lab/c:v1");
        }
    }

    @Test
    void the_image_job_converts_to_json_and_back_with_camel_jackson() throws Exception {
        try (RoutesHarness routes = RoutesHarness.shipped(Map.of())) {
            routes.context().addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:json").marshal().json(JsonLibrary.Jackson).convertBodyTo(String.class)
                            .to("mock:json").unmarshal().json(JsonLibrary.Jackson, ImageJob.class);
                }
            });
            ImageJob job = new ImageJob("20261129T120000.000Z", 3, "src.test/lab/app:v1",
                    List.of("dst.test/mirror/app:v1", "dst.test/backup/app:v1"),
                    new JobOptions(true, List.of("linux"), List.of("arm64", "arm:v7"), true,
                            List.of("application/spdx+json")));

            ImageJob back = routes.context().createProducerTemplate().requestBody("direct:json", job, ImageJob.class);

            assertThat(back).isEqualTo(job);
            assertThat(routes.context().getEndpoint("mock:json", MockEndpoint.class).getExchanges().get(0)
                    .getMessage().getBody(String.class)).contains("\"source\":\"src.test/lab/app:v1\"")
                    .doesNotContain("password", "token");
        }
    }

    @Test
    void a_filter_step_at_the_start_of_copy_image_counts_what_it_drops_as_filtered() throws Exception {
        try (RoutesHarness routes = RoutesHarness.fixture("filter-internal", Map.of())) {
            Map<String, Object> images = Map.of("src.test/lab/app:v1",
                    List.of("dst.test/public/app", "dst.test/internal/app", "dst.test/mirror/app"));

            RunSummary summary = routes.run(images);

            assertThat(routes.pushed).containsExactlyInAnyOrder("dst.test/public/app:v1", "dst.test/mirror/app:v1");
            assertThat(summary.images()).isEqualTo(new RunSummary.ImageCounts(2, 0, 0, 1, 0, 0, 0, 0));
            assertThat(summary.status()).isEqualTo(RunSummary.SUCCEEDED);
            assertThat(summary.outcomes()).filteredOn(o -> o.result().equals(ImageOutcome.FILTERED))
                    .singleElement().satisfies(o -> assertThat(o.destination()).isEqualTo("dst.test/internal/app:v1"));
        }
    }

    @Test
    void bytes_that_arrived_wrong_are_redelivered_like_a_transient_error() throws Exception {
        try (RoutesHarness routes = RoutesHarness.shipped(Map.of("sync.retries", "1"))) {
            routes.failingBlobs.put("v1", blob -> new DigestMismatchException(blob + ": content digest differs"));

            RunSummary summary = routes.run(images(1));

            assertThat(routes.blobCalls("v1")).isEqualTo(2);
            assertThat(summary.images().failed()).isEqualTo(1);
            assertThat(summary.transfers().retries()).isEqualTo(1);
        }
    }

    @Test
    void copy_blob_exchanges_carry_the_source_destination_digest_and_size_headers() throws Exception {
        try (RoutesHarness routes = RoutesHarness.shipped(Map.of())) {
            routes.run(images(2));

            assertThat(routes.blobHeaders).hasSize(4).allSatisfy(headers -> {
                assertThat((String) headers.get(Headers.SOURCE)).matches("src\\.test/lab/app:v\\d");
                assertThat((String) headers.get(Headers.DESTINATION)).matches("dst\\.test/mirror/app:v\\d");
                assertThat((String) headers.get(Headers.DIGEST)).startsWith("sha256:");
                assertThat(headers.get(Headers.SIZE)).isInstanceOf(Long.class);
            });
        }
    }

    @Test
    void a_run_never_overlaps_another_and_an_interrupted_run_counts_what_it_did_not_start() throws Exception {
        try (RoutesHarness routes = RoutesHarness.shipped(Map.of("sync.proc", "1"))) {
            Map<String, Object> images = images(6);
            for (int i = 1; i <= 6; i++) {
                routes.heldPlans.add("dst.test/mirror/app:v" + i);
            }
            CompletableFuture<Object> first = routes.context().createProducerTemplate()
                    .asyncRequestBody("direct:sync", images);
            while (routes.held.get() < 4) { // 4 x sync.proc images in flight, two waiting for a worker
                Thread.sleep(10);
            }

            Object second = routes.context().createProducerTemplate().requestBody("direct:sync", images);
            routes.context().getRegistry().lookupByNameAndType("runs", ActiveRuns.class).interrupt();
            routes.release.countDown();
            RunSummary summary = (RunSummary) first.get(10, TimeUnit.SECONDS);

            assertThat(second).as("skipped while the first runs").isNull();
            assertThat(summary.status()).isEqualTo(RunSummary.INTERRUPTED);
            assertThat(summary.images()).isEqualTo(new RunSummary.ImageCounts(4, 0, 0, 0, 2, 0, 0, 0));
            assertThat(routes.pushed).hasSize(4);
        }
    }

    @Test
    void a_rule_whose_tags_cannot_be_listed_fails_alone_even_when_it_comes_first() throws Exception {
        try (RoutesHarness routes = RoutesHarness.shipped(Map.of("sync.retries", "0"))) {
            Map<String, Object> images = new LinkedHashMap<>();
            images.put("unknown-host.test/lab/all-tags", "dst.test/mirror/all"); // listing fails: unknown host
            images.put("src.test/lab/app:v1", "dst.test/mirror/app");

            RunSummary first = routes.run(images);
            RunSummary second = routes.run(images);

            assertThat(first.status()).isEqualTo(RunSummary.PARTIAL);
            assertThat(first.images()).isEqualTo(new RunSummary.ImageCounts(1, 0, 1, 0, 0, 0, 0, 0));
            assertThat(first.outcomes()).filteredOn(o -> o.result().equals(ImageOutcome.FAILED)).singleElement()
                    .satisfies(o -> assertThat(o.detail()).contains("unknown host"));
            assertThat(second).as("the next run starts").isNotNull();
        }
    }

    @Test
    void a_run_whose_exchange_fails_before_it_finishes_is_ended_so_that_the_next_one_starts() throws Exception {
        try (RoutesHarness routes = RoutesHarness.shipped(Map.of("sync.events.uri", "direct:nowhere?block=false"))) {
            assertThatThrownBy(() -> routes.run(images(1))).hasStackTraceContaining("No consumers available");
            assertThatThrownBy(() -> routes.run(images(1))).as("not skipped as overlapping")
                    .hasStackTraceContaining("No consumers available");
            assertThat(routes.context().getRegistry().lookupByNameAndType("runs", ActiveRuns.class).isRunning())
                    .isFalse();
        }
    }
}

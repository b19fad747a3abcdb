package dev.imagesyncer.report;

import dev.imagesyncer.copy.BlobCounts;
import dev.imagesyncer.copy.CopyResult;
import dev.imagesyncer.registry.Digest;
import dev.imagesyncer.registry.ImageReference;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every image and destination of a run ends with exactly one outcome. */
class RunTallyTest {

    private static final String SOURCE = "src.test/lab/app:v1";

    private static CopyResult synced(String destination) {
        return new CopyResult(ImageReference.parse(SOURCE), ImageReference.parse(destination),
                Digest.sha256("m".getBytes(StandardCharsets.UTF_8)), CopyResult.SYNCED, "",
                new BlobCounts(2, 0, 1, 300), 1, null);
    }

    @Test
    void a_failure_after_an_outcome_does_not_count_the_pair_twice() {
        RunTally tally = new RunTally(Clock.systemUTC());
        tally.planned(List.of(SOURCE), List.of(List.of("dst.test/a:v1", "dst.test/b:v1")));

        tally.copied(SOURCE, "dst.test/a:v1", synced("dst.test/a:v1"), 0.1, 1);
        List<ImageOutcome> again = tally.failed(SOURCE, List.of("dst.test/a:v1"), "the event could not be sent", 1);
        List<ImageOutcome> closed = tally.closeUnaccounted();
        RunSummary summary = tally.summary("run");

        assertThat(again).isEmpty();
        assertThat(closed).singleElement().satisfies(o -> {
            assertThat(o.destination()).isEqualTo("dst.test/b:v1");
            assertThat(o.result()).isEqualTo(ImageOutcome.FILTERED);
        });
        assertThat(summary.images()).isEqualTo(new RunSummary.ImageCounts(1, 0, 0, 1, 0, 0, 0, 0));
        assertThat(summary.status()).isEqualTo(RunSummary.SUCCEEDED);
        assertThat(summary.transfers().blobsCopied()).isEqualTo(2);
    }

    @Test
    void copies_into_an_archive_that_could_not_be_completed_become_failed_and_the_others_stand() {
        RunTally tally = new RunTally(Clock.systemUTC());
        String archived = "oci-archive:/media/m.tar:lab/app:v1";
        tally.planned(List.of(SOURCE), List.of(List.of(archived, "dst.test/a:v1")));
        tally.copied(SOURCE, archived, synced(archived), 0.1, 1);
        tally.copied(SOURCE, "dst.test/a:v1", synced("dst.test/a:v1"), 0.1, 1);

        int changed = tally.undelivered(archived::equals, "the archive could not be completed (disk full)");
        RunSummary summary = tally.summary("run");

        assertThat(changed).isEqualTo(1);
        assertThat(summary.status()).isEqualTo(RunSummary.PARTIAL);
        assertThat(summary.outcomes()).filteredOn(o -> o.destination().equals(archived)).singleElement()
                .satisfies(o -> {
                    assertThat(o.result()).isEqualTo(ImageOutcome.FAILED);
                    assertThat(o.detail()).contains("disk full");
                });
    }

    @Test
    void a_job_of_the_cluster_delivered_twice_is_counted_once_whichever_outcome_comes_first() {
        RunTally tally = new RunTally(Clock.systemUTC());
        tally.planned(List.of(SOURCE), List.of(List.of("dst.test/a:v1", "dst.test/b:v1")));
        tally.dispatched(SOURCE, "dst.test/a:v1");
        tally.dispatched(SOURCE, "dst.test/b:v1");
        RunSummary.TransferCounts counts = RunSummary.TransferCounts.of(synced("dst.test/a:v1"));

        // a: another instance's outcome first, then this instance copies the redelivered job
        ImageOutcome first = tally.received(new ImageOutcome(SOURCE, "dst.test/a:v1", ImageOutcome.SYNCED, "d",
                300, 0.1, 1, ""), counts, "node-b");
        int waiting = tally.awaiting();
        tally.copied(SOURCE, "dst.test/a:v1", synced("dst.test/a:v1"), 0.1, 1);
        // b: copied here first, then another instance's outcome of the same job arrives
        tally.copied(SOURCE, "dst.test/b:v1", synced("dst.test/b:v1"), 0.1, 1);
        ImageOutcome second = tally.received(new ImageOutcome(SOURCE, "dst.test/b:v1", ImageOutcome.SYNCED, "d",
                300, 0.1, 1, ""), counts, "node-b");
        RunSummary summary = tally.summary("run");

        assertThat(first).isNotNull();
        assertThat(waiting).isEqualTo(1);
        assertThat(second).isNull();
        assertThat(tally.awaiting()).isZero();
        assertThat(summary.images().synced()).isEqualTo(2);
        assertThat(summary.transfers().blobsCopied()).isEqualTo(4);
        assertThat(summary.transfers().bytes()).isEqualTo(600);
    }

    @Test
    void an_interrupted_run_closes_what_did_not_start_as_not_started() {
        RunTally tally = new RunTally(Clock.systemUTC());
        tally.planned(List.of(SOURCE, "src.test/lab/app:v2"), List.of(List.of("dst.test/a:v1"),
                List.of("dst.test/a:v2")));
        tally.copied(SOURCE, "dst.test/a:v1", synced("dst.test/a:v1"), 0.1, 1);
        tally.interrupted();

        tally.closeUnaccounted();
        RunSummary summary = tally.summary("run");

        assertThat(summary.images()).isEqualTo(new RunSummary.ImageCounts(1, 0, 0, 0, 1, 0, 0, 0));
        assertThat(summary.status()).isEqualTo(RunSummary.INTERRUPTED);
    }

    @Test
    void a_stop_counts_images_in_progress_stopped_and_an_abandoned_run_says_why_in_its_line() {
        RunTally graceful = new RunTally(Clock.systemUTC());
        graceful.planned(List.of(SOURCE), List.of(List.of("dst.test/a:v1", "dst.test/b:v1")));
        graceful.started(SOURCE, "dst.test/a:v1");
        graceful.interrupted();
        graceful.stopped(SOURCE, List.of("dst.test/a:v1"), "stopped at byte 4194304 of 9000000");
        graceful.closeUnaccounted();
        RunTally abandoned = new RunTally(Clock.systemUTC());
        abandoned.planned(List.of(SOURCE), List.of(List.of("dst.test/a:v1", "dst.test/b:v1")));
        abandoned.started(SOURCE, "dst.test/a:v1");
        abandoned.abandon("the stop timeout of 1 s passed");

        RunSummary stopped = graceful.summary("a");
        RunSummary timedOut = abandoned.summary("b");

        assertThat(stopped.images()).isEqualTo(new RunSummary.ImageCounts(0, 0, 0, 0, 1, 1, 0, 0));
        assertThat(stopped.line()).startsWith("Sync finished (interrupted): 0 images synced, 0 unchanged, 0 failed, "
                + "0 filtered, 1 not started, 1 stopped; blobs: ").endsWith("0 rate-limited (429)");
        assertThat(stopped.hasFailures()).isFalse();
        assertThat(timedOut.images()).isEqualTo(new RunSummary.ImageCounts(0, 0, 0, 0, 1, 1, 0, 0));
        assertThat(timedOut.outcomes()).filteredOn(o -> o.result().equals(ImageOutcome.STOPPED)).singleElement()
                .satisfies(o -> assertThat(o.detail())
                        .isEqualTo("abandoned in the middle of its copy: the stop timeout of 1 s passed"));
        assertThat(timedOut.line()).endsWith("0 rate-limited (429); the stop timeout of 1 s passed");
        assertThat(timedOut.failedToStart()).isFalse();
    }

    @Test
    void a_run_where_images_failed_and_none_synced_failed_and_one_with_some_synced_is_partial() {
        RunTally none = new RunTally(Clock.systemUTC());
        none.failed(SOURCE, List.of("dst.test/a:v1"), "HTTP 404", 1);
        RunTally some = new RunTally(Clock.systemUTC());
        some.failed(SOURCE, List.of("dst.test/a:v1"), "HTTP 404", 1);
        some.copied(SOURCE, "dst.test/b:v1", synced("dst.test/b:v1"), 0.1, 1);

        assertThat(none.summary("a").status()).isEqualTo(RunSummary.FAILED);
        assertThat(some.summary("b").status()).isEqualTo(RunSummary.PARTIAL);
    }
}

package dev.imagesyncer.job;

import dev.imagesyncer.report.ImageOutcome;
import dev.imagesyncer.report.RunSummary;

import java.util.Objects;

/**
 * Cluster mode: the outcome of one {@link CopyJob} as it travels back, through the planner's outcomes queue, from
 * the instance that copied it to the instance that planned its run, which records it, sends its event and writes
 * the run's report. Plain values, so that it converts to JSON and back with camel-jackson.
 *
 * @param runId   the run that planned the job
 * @param node    the instance that copied it ({@code sync.cluster.node})
 * @param outcome what happened to the image and destination
 * @param counts  what the copy transferred (blobs, manifests, bytes, referrers), for the run's summary
 */
public record JobOutcome(String runId, String node, ImageOutcome outcome, RunSummary.TransferCounts counts) {

    public JobOutcome {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(outcome, "outcome");
        counts = counts == null ? RunSummary.TransferCounts.NONE : counts;
    }
}

package dev.imagesyncer.pipeline;

import dev.imagesyncer.report.ImageOutcome;
import dev.imagesyncer.report.RunReports;
import dev.imagesyncer.report.SyncSummary;
import dev.imagesyncer.service.SyncMetrics;

/**
 * The JSON events the routes send to {@code sync.events.uri}: one per image and destination, one per run.
 * Any Camel endpoint can take them ({@code file:}, {@code http:}, {@code jms:}, {@code kafka:}, ...). The
 * metrics count what the events tell.
 */
public final class SyncEvents {

    private final SyncMetrics metrics;

    public SyncEvents(SyncMetrics metrics) {
        this.metrics = metrics;
    }

    public String image(ImageOutcome outcome) {
        metrics.image(outcome);
        return RunReports.imageEvent(outcome);
    }

    public String run(SyncSummary summary) {
        metrics.run(summary);
        return RunReports.runEvent(summary);
    }
}

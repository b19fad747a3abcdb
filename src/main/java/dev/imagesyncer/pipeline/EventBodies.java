package dev.imagesyncer.pipeline;

import dev.imagesyncer.report.ImageOutcome;
import dev.imagesyncer.report.RunReportStore;
import dev.imagesyncer.report.RunSummary;
import dev.imagesyncer.service.SyncMetrics;

/**
 * The JSON events the routes send to {@code sync.events.uri}: one per image and destination, one per run.
 * Any Camel endpoint can take them ({@code file:}, {@code http:}, {@code jms:}, {@code kafka:}, ...). The
 * metrics count what the events tell.
 */
public final class EventBodies {

    private final SyncMetrics metrics;

    public EventBodies(SyncMetrics metrics) {
        this.metrics = metrics;
    }

    public String image(ImageOutcome outcome) {
        metrics.image(outcome);
        return RunReportStore.imageEvent(outcome);
    }

    public String run(RunSummary summary) {
        metrics.run(summary);
        return RunReportStore.runEvent(summary);
    }
}

package dev.imagesyncer.pipeline;

import dev.imagesyncer.report.ImageOutcome;
import dev.imagesyncer.report.RunReports;
import dev.imagesyncer.report.SyncSummary;

/**
 * The JSON events the routes send to {@code sync.events.uri}: one per image and destination, one per run.
 * Any Camel endpoint can take them ({@code file:}, {@code http:}, {@code jms:}, {@code kafka:}, ...).
 */
public final class SyncEvents {

    public String image(ImageOutcome outcome) {
        return RunReports.imageEvent(outcome);
    }

    public String run(SyncSummary summary) {
        return RunReports.runEvent(summary);
    }
}

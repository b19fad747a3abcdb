package dev.imagesyncer.service;

import dev.imagesyncer.report.ImageOutcome;
import dev.imagesyncer.report.RunSummary;

/**
 * What the metrics count. Service mode uses {@link PrometheusSyncMetrics}; a single run has nobody to scrape
 * them, so it counts nothing and never loads Micrometer.
 */
public interface SyncMetrics {

    SyncMetrics NONE = new SyncMetrics() {
    };

    default void image(ImageOutcome outcome) {
    }

    default void run(RunSummary summary) {
    }

    /** A redelivery after a transient error; a 429 is also counted on its own. */
    default void retry(Throwable cause) {
    }

    /** The Prometheus text exposition of every metric. */
    default String scrape() {
        return "";
    }
}

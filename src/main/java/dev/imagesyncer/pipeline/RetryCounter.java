package dev.imagesyncer.pipeline;

import dev.imagesyncer.registry.RegistryException;
import dev.imagesyncer.report.SyncReport;
import dev.imagesyncer.service.SyncMetrics;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;


/**
 * Counts retries (and the 429s among them) in the run's report and the metrics: as a processor, before each
 * redelivery of an image by the route; through {@link #count}, each retry of the registry client. The wait a
 * registry asks for with {@code Retry-After} is kept by the registry client, for that registry only.
 */
public final class RetryCounter implements Processor {

    private final SyncMetrics metrics;

    public RetryCounter(SyncMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void process(Exchange exchange) {
        Throwable caught = exchange.getException() != null
                ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        SyncRun run = exchange.getProperty(SyncRun.PROPERTY, SyncRun.class);
        count(caught, run != null ? run.report() : null);
    }

    /** Counts one retry of a failure, in {@code report} when there is one. */
    void count(Throwable failure, SyncReport report) {
        metrics.retry(failure);
        if (report != null) {
            report.retried(failure instanceof RegistryException error && error.status() == 429);
        }
    }
}

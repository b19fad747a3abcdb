package dev.imagesyncer.pipeline;

import dev.imagesyncer.registry.RegistryException;
import dev.imagesyncer.service.SyncMetrics;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;


/**
 * Runs before each redelivery: counts the retry (and the 429s among them) in the run's report and the metrics.
 * The wait a registry asks for with {@code Retry-After} is kept by the registry client, for that registry only.
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
        metrics.retry(caught);
        SyncRun run = exchange.getProperty(SyncRun.PROPERTY, SyncRun.class);
        if (run != null) {
            run.report().retried(caught instanceof RegistryException error && error.status() == 429);
        }
    }
}

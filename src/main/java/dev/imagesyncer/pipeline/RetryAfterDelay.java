package dev.imagesyncer.pipeline;

import dev.imagesyncer.registry.RegistryException;
import dev.imagesyncer.service.SyncMetrics;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import java.time.Duration;

/**
 * Runs before each redelivery: when the registry answered with {@code Retry-After} (429, 503), waits that long
 * on top of the exponential back-off, so a rate-limited registry is given the time it asked for. Counts the
 * retry in the metrics.
 */
public final class RetryAfterDelay implements Processor {

    private final SyncMetrics metrics;

    public RetryAfterDelay(SyncMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void process(Exchange exchange) throws InterruptedException {
        Throwable caught = exchange.getException() != null
                ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        metrics.retry(caught);
        if (caught instanceof RegistryException registryError) {
            Duration wait = registryError.retryAfter().orElse(Duration.ZERO);
            if (!wait.isZero()) {
                Thread.sleep(wait.toMillis());
            }
        }
    }
}

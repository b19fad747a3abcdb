package dev.imagesyncer.registry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * How the client tries a failed registry operation again on the spot: a request, or a whole blob transfer (a new
 * download and a new upload session). Only failures that may pass are retried: connection errors, timeouts,
 * 429 and 5xx answers ({@link TransientRegistryException}), and content that arrived with the wrong digest
 * ({@link DigestMismatchException}). The wait doubles from {@code firstDelay}, with jitter so that parallel
 * transfers do not come back in step; a registry's {@code Retry-After} is kept on top of it by the transport.
 *
 * @param retries    attempts after the first
 * @param firstDelay wait before the first retry
 * @param onRetry    told of each failure that is about to be retried, e.g. to count it
 */
public record RetryPolicy(int retries, Duration firstDelay, Consumer<RegistryException> onRetry) {

    /** Fail at once: for callers that retry at a higher level, and for tests of single answers. */
    public static final RetryPolicy NONE = new RetryPolicy(0, Duration.ZERO, failure -> { });

    private static final Logger LOG = LoggerFactory.getLogger(RetryPolicy.class);
    private static final Duration MAX_DELAY = Duration.ofSeconds(30);

    public RetryPolicy {
        if (retries < 0) {
            throw new IllegalArgumentException("retries must not be negative, not " + retries);
        }
    }

    /** Runs {@code operation}, again after each retryable failure until the retries are spent. */
    public <T> T run(Supplier<T> operation) {
        return run(operation, failure -> { });
    }

    /**
     * As {@link #run(Supplier)}, with {@code prepareRetry} run after the wait that follows a retryable failure and
     * before the retry is counted: it readies the next attempt, or throws (the failure, say) when there cannot
     * be one.
     */
    public <T> T run(Supplier<T> operation, Consumer<RegistryException> prepareRetry) {
        for (int attempt = 0; ; attempt++) {
            try {
                return operation.get();
            } catch (TransientRegistryException | DigestMismatchException failure) {
                if (attempt >= retries || Thread.currentThread().isInterrupted()) {
                    throw failure;
                }
                long waited = pause(attempt, failure);
                prepareRetry.accept(failure);
                onRetry.accept(failure);
                LOG.warn("{} (retry {} of {} after {} ms)", failure.getMessage(), attempt + 1, retries, waited);
            }
        }
    }

    private long pause(int attempt, RegistryException failure) {
        long base = Math.min(firstDelay.toMillis() << Math.min(attempt, 20), MAX_DELAY.toMillis());
        long wait = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure;
        }
        return wait;
    }
}

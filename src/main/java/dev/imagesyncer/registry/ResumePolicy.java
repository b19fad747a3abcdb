package dev.imagesyncer.registry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * How often a failed chunk of a chunked upload is resumed inside its upload session, where the registry stopped,
 * before the failure leaves the client (and the routes' redelivery policy starts the blob over). Only failures
 * that may pass are resumed: connection errors, timeouts, 429 and 5xx answers
 * ({@link TransientRegistryException}) and bytes that arrived wrong ({@link DigestMismatchException}). The wait
 * doubles from {@code firstDelay}, with jitter; a registry's {@code Retry-After} is kept on top of it by the
 * transport. Everything else the client does is one attempt per call.
 *
 * @param retries    resumes of one chunk after its first attempt (the routes pass {@code sync.retries})
 * @param firstDelay wait before the first resume
 * @param onRetry    told of each failure that is about to be resumed, e.g. to count it
 */
public record ResumePolicy(int retries, Duration firstDelay, Consumer<RegistryException> onRetry) {

    /** Never resume: a failed chunk fails the upload at once. */
    public static final ResumePolicy NONE = new ResumePolicy(0, Duration.ZERO, failure -> { });

    private static final Logger LOG = LoggerFactory.getLogger(ResumePolicy.class);
    private static final Duration MAX_DELAY = Duration.ofSeconds(30);

    public ResumePolicy {
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
            } catch (TransientRegistryException failure) {
                if (attempt >= retries || Thread.currentThread().isInterrupted()) {
                    throw failure;
                }
                long waited = pause(attempt, failure);
                prepareRetry.accept(failure);
                onRetry.accept(failure);
                LOG.warn("{} (resuming the upload in its session, attempt {} of {}, after {} ms)", failure.getMessage(),
                        attempt + 2, retries + 1, waited);
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

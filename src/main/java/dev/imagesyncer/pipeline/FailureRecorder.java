package dev.imagesyncer.pipeline;

import dev.imagesyncer.config.SyncRule;
import dev.imagesyncer.job.ImageJob;
import dev.imagesyncer.registry.RegistryException;
import dev.imagesyncer.registry.TransferStoppedException;
import dev.imagesyncer.report.ImageOutcome;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The dead-letter channel's step ({@code image-failed}): records what could not be synced and why, so that the
 * run goes on with the other images and the failed ones reach the report and {@code --output-failed-images}. The
 * failed exchange is a {@code copy-image} one (its headers name the image and destination), a {@code sync-image}
 * one (body {@link ImageJob}: every destination fails), or a {@code list-tags} one (body {@link SyncRule}).
 * Returns the failure outcomes, which the route sends on as events. A copy that ended because the run was
 * interrupted ({@link TransferStoppedException}) is recorded {@code stopped}, not failed.
 */
public final class FailureRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(FailureRecorder.class);

    private final ActiveRuns runs;

    public FailureRecorder(ActiveRuns runs) {
        this.runs = runs;
    }

    public List<ImageOutcome> record(Exchange exchange) {
        RunContext run = runs.context(exchange.getMessage().getHeader(Headers.RUN_ID, String.class));
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String reason = reasonOf(cause);
        LOG.debug("failed: {}", reason, cause);
        int attempts = exchange.getProperty(RedeliveryLog.ATTEMPTS, 1, Integer.class);
        String destination = exchange.getMessage().getHeader(Headers.DESTINATION, String.class);
        Object body = exchange.getMessage().getBody();
        if (destination != null && cause instanceof TransferStoppedException) {
            return run.tally().stopped(exchange.getMessage().getHeader(Headers.SOURCE, String.class),
                    List.of(destination), reason);
        } else if (destination != null) {
            return run.tally().failed(exchange.getMessage().getHeader(Headers.SOURCE, String.class),
                    List.of(destination), reason, attempts);
        } else if (body instanceof ImageJob job) {
            return run.tally().failed(job.source(), job.destinations(), reason, attempts);
        } else if (body instanceof SyncRule rule) {
            return run.tally().failed(rule.source(), rule.destinationNames(), reason, attempts);
        }
        LOG.warn("a step failed on an exchange that names no image (body {}): {}",
                body == null ? "empty" : body.getClass().getSimpleName(), reason);
        return List.of();
    }

    /** Registry errors already say what, where and why; anything else is unexpected and named by its type. */
    static String reasonOf(Throwable cause) {
        if (cause == null) {
            return "unknown failure";
        }
        if (cause instanceof RegistryException || cause instanceof IllegalArgumentException
                || cause instanceof BlobFailedException || cause instanceof TransferStoppedException) {
            return cause.getMessage();
        }
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
}

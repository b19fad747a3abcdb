package dev.imagesyncer.pipeline;

import dev.imagesyncer.config.ImageCopyJob;
import dev.imagesyncer.config.SyncRule;
import dev.imagesyncer.registry.RegistryException;
import dev.imagesyncer.report.ImageOutcome;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The end of the dead-letter channel: records what could not be synced and why, so the run goes on with the
 * other images and the failed ones reach the report and {@code --output-failed-images}.
 */
public final class FailureRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(FailureRecorder.class);

    public List<ImageOutcome> record(Exchange exchange) {
        SyncRun run = exchange.getProperty(SyncRun.PROPERTY, SyncRun.class);
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String reason = reasonOf(cause);
        LOG.debug("failed: {}", reason, cause);
        int attempts = 1 + exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class);
        Object item = exchange.getMessage().getBody();
        if (item instanceof CopyTask task) {
            return run.report().failed(task.source().toString(), List.of(task.target().toString()), reason, attempts);
        } else if (item instanceof ImageCopyJob job) {
            return run.report().failed(job.source().toString(),
                    job.targets().stream().map(Object::toString).toList(), reason, attempts);
        } else if (item instanceof SyncRule rule) {
            return run.report().ruleFailed(rule.source(), rule.destinationNames(), reason, attempts);
        }
        throw new IllegalStateException("cannot record a failure of " + item + ": " + reason, cause);
    }

    /** Registry errors already say what, where and why; anything else is unexpected and named by its type. */
    static String reasonOf(Throwable cause) {
        if (cause == null) {
            return "unknown failure";
        }
        if (cause instanceof RegistryException || cause instanceof IllegalArgumentException) {
            return cause.getMessage();
        }
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
}

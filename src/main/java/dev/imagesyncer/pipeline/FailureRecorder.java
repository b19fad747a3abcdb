package dev.imagesyncer.pipeline;

import dev.imagesyncer.config.ImageCopyJob;
import dev.imagesyncer.config.SyncRule;
import dev.imagesyncer.registry.RegistryException;
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

    public void record(Exchange exchange) {
        SyncRun run = exchange.getProperty(SyncRun.PROPERTY, SyncRun.class);
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String reason = reasonOf(cause);
        LOG.debug("failed: {}", reason, cause);
        Object item = exchange.getMessage().getBody();
        if (item instanceof CopyTask task) {
            run.report().failed(task.source().toString(), List.of(task.target().toString()), reason);
        } else if (item instanceof ImageCopyJob job) {
            run.report().failed(job.source().toString(), job.targets().stream().map(Object::toString).toList(),
                    reason);
        } else if (item instanceof SyncRule rule) {
            run.report().ruleFailed(rule.source(), rule.destinationNames(), reason);
        } else {
            throw new IllegalStateException("cannot record a failure of " + item + ": " + reason, cause);
        }
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

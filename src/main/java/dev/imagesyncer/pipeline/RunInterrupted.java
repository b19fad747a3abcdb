package dev.imagesyncer.pipeline;

import dev.imagesyncer.job.ImageJob;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;

/**
 * True for an exchange whose run ({@link Headers#RUN_ID}) is interrupted: the predicate of the filters at the start
 * of {@code sync-image} and {@code copy-image}, which leave the images and copies that have not started (the run
 * counts them {@code not-started}).
 * A predicate bean ({@code ref} language) rather than a method call expression, which costs a bean lookup and a
 * parameter parse per image.
 */
public final class RunInterrupted implements Predicate {

    private final ActiveRuns runs;

    public RunInterrupted(ActiveRuns runs) {
        this.runs = runs;
    }

    @Override
    public boolean matches(Exchange exchange) {
        String runId = exchange.getMessage().getHeader(Headers.RUN_ID, String.class);
        if (runId == null && exchange.getMessage().getBody() instanceof ImageJob job) {
            runId = job.runId();
        }
        return runs.isInterrupted(runId);
    }
}

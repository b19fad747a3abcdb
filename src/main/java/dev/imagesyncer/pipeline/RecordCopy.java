package dev.imagesyncer.pipeline;

import dev.imagesyncer.copy.CopyResult;
import org.apache.camel.Exchange;

/**
 * The last step of {@code copy-image}: records the copy's outcome in the run and prints its progress line. The
 * body {@link CopyResult} becomes an {@link dev.imagesyncer.report.ImageOutcome}, which the route sends on as an
 * event; the result stays in the exchange property {@value #RESULT}.
 */
public final class RecordCopy extends RunStep<CopyResult> {

    /** The {@link CopyResult} recorded, for a step after it (cluster mode: its counts go back to the planner). */
    public static final String RESULT = "ImageSyncerCopyResult";

    public RecordCopy(ActiveRuns runs) {
        super(runs, CopyResult.class);
    }

    @Override
    protected Object apply(CopyResult result, RunContext run, Exchange exchange) {
        Long started = exchange.getProperty(PlanCopy.STARTED, Long.class);
        double seconds = started == null ? 0 : (System.nanoTime() - started) / 1e9;
        int attempts = exchange.getProperty(RedeliveryLog.ATTEMPTS, 1, Integer.class);
        String source = exchange.getMessage().getHeader(Headers.SOURCE, result.source().toString(), String.class);
        String destination = exchange.getMessage().getHeader(Headers.DESTINATION, result.target().toString(),
                String.class);
        exchange.setProperty(RESULT, result);
        return run.tally().copied(source, destination, result, seconds, attempts);
    }
}

package dev.imagesyncer.pipeline;

import dev.imagesyncer.job.CopyJob;
import org.apache.camel.Exchange;

/**
 * Cluster mode, the step of {@code send-copy} before the job is written to the job queue: records that the run
 * waits for the job's outcome, and sets the headers the queue needs: {@link Headers#GROUP} (the destination
 * repository, {@code registry/repository}, so that one instance at a time writes it) and {@link Headers#REPLY_TO}
 * (this instance's outcomes queue). The body, the {@link CopyJob}, is unchanged: it carries every option its copy
 * needs and no secret (each instance reads credentials from its own auth file).
 */
public final class DispatchCopy extends RunStep<CopyJob> {

    private final String outcomesQueue;

    /** Jobs whose outcomes come back to {@code outcomesQueue}. */
    public DispatchCopy(ActiveRuns runs, String outcomesQueue) {
        super(runs, CopyJob.class);
        this.outcomesQueue = outcomesQueue;
    }

    @Override
    protected Object apply(CopyJob job, RunContext run, Exchange exchange) {
        exchange.getMessage().setHeader(Headers.GROUP, job.destinationReference().repository().toString());
        exchange.getMessage().setHeader(Headers.REPLY_TO, outcomesQueue);
        run.tally().dispatched(job.source(), job.destination());
        return job;
    }
}

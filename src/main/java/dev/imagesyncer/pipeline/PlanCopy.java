package dev.imagesyncer.pipeline;

import dev.imagesyncer.copy.CopyPlan;
import dev.imagesyncer.copy.CopyResult;
import dev.imagesyncer.job.CopyJob;
import org.apache.camel.Exchange;

/**
 * The first step of {@code copy-image}: checks the target (one HEAD) and finds what it lacks. The body
 * {@link CopyJob} becomes a {@link CopyPlan}: nothing when the target is up to date, else the blobs to copy and
 * the manifests to push. Notes when the copy started (the exchange property {@value #STARTED}, nanoseconds, and
 * in the run's tally, so that a stop knows which copies were in progress), and keeps the job in the exchange
 * property {@value #JOB}.
 *
 * @throws dev.imagesyncer.registry.RegistryException when a registry call fails
 */
public final class PlanCopy extends RunStep<CopyJob> {

    /** When the copy of this image and destination started, from {@link System#nanoTime()}. */
    public static final String STARTED = "ImageSyncerStarted";
    /** The {@link CopyJob} the exchange started with, for the steps after the body became a plan. */
    public static final String JOB = "ImageSyncerCopyJob";

    public PlanCopy(ActiveRuns runs) {
        super(runs, CopyJob.class);
    }

    @Override
    protected Object apply(CopyJob job, RunContext run, Exchange exchange) {
        if (exchange.getProperty(STARTED) == null) {
            exchange.setProperty(STARTED, System.nanoTime());
            exchange.setProperty(JOB, job);
            run.tally().started(exchange.getMessage().getHeader(Headers.SOURCE, String.class),
                    exchange.getMessage().getHeader(Headers.DESTINATION, String.class));
        }
        if (job.existing() != null) {
            return CopyPlan.nothingToPush(job.sourceReference(), job.destinationTagged(), job.existing().digest(),
                    CopyResult.UNCHANGED, "the destination has the tag; left as it is, the source not read "
                            + "(skipExisting)");
        }
        return run.copier().plan(job.sourceReference(), job.sourceHead(), job.destinationReference(),
                job.options().toCopyOptions());
    }
}

package dev.imagesyncer.pipeline;

import dev.imagesyncer.copy.CopyPlan;
import dev.imagesyncer.job.CopyJob;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The first step of {@code copy-image}: checks the target (one HEAD) and finds what it lacks. The body
 * {@link CopyJob} becomes a {@link CopyPlan}: nothing when the target is up to date, else the blobs to copy and
 * the manifests to push. Notes when the copy started (the exchange property {@value #STARTED}, nanoseconds).
 *
 * @throws dev.imagesyncer.registry.RegistryException when a registry call fails
 */
public final class PlanCopy implements Processor {

    /** When the copy of this image and destination started, from {@link System#nanoTime()}. */
    public static final String STARTED = "ImageSyncerStarted";

    private final ActiveRuns runs;

    public PlanCopy(ActiveRuns runs) {
        this.runs = runs;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        CopyJob job = exchange.getMessage().getMandatoryBody(CopyJob.class);
        if (exchange.getProperty(STARTED) == null) {
            exchange.setProperty(STARTED, System.nanoTime());
        }
        RunContext run = runs.context(exchange.getMessage().getHeader(Headers.RUN_ID, String.class));
        exchange.getMessage().setBody(run.copier().plan(job.sourceReference(), job.sourceHead(),
                job.destinationReference(), job.options().toCopyOptions()));
    }
}

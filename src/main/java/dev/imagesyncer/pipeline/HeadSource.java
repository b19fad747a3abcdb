package dev.imagesyncer.pipeline;

import dev.imagesyncer.job.CopyJob;
import dev.imagesyncer.job.ImageJob;
import dev.imagesyncer.registry.Descriptor;
import org.apache.camel.Exchange;

/**
 * The first step of {@code sync-image}: reads the source once (HEAD, whatever the number of destinations) and
 * turns the {@link ImageJob} into one {@link CopyJob} per destination.
 *
 * @throws dev.imagesyncer.registry.RegistryException when the source cannot be read (a missing image is permanent)
 */
public final class HeadSource extends RunStep<ImageJob> {

    public HeadSource(ActiveRuns runs) {
        super(runs, ImageJob.class);
    }

    @Override
    protected Object apply(ImageJob job, RunContext run, Exchange exchange) {
        Descriptor head = run.copier().headSource(job.sourceReference());
        return job.destinations().stream()
                .map(destination -> new CopyJob(job.source(), destination, head, job.options()))
                .toList();
    }
}

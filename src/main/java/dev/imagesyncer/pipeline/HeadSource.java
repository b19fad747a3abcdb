package dev.imagesyncer.pipeline;

import dev.imagesyncer.job.CopyJob;
import dev.imagesyncer.job.ImageJob;
import dev.imagesyncer.registry.Descriptor;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The first step of {@code sync-image}: reads the source once (HEAD, whatever the number of destinations) and
 * turns the {@link ImageJob} into one {@link CopyJob} per destination.
 *
 * @throws dev.imagesyncer.registry.RegistryException when the source cannot be read (a missing image is permanent)
 */
public final class HeadSource implements Processor {

    private final ActiveRuns runs;

    public HeadSource(ActiveRuns runs) {
        this.runs = runs;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        ImageJob job = exchange.getMessage().getMandatoryBody(ImageJob.class);
        RunContext run = runs.context(exchange.getMessage().getHeader(Headers.RUN_ID, job.runId(), String.class));
        Descriptor head = run.copier().headSource(job.sourceReference());
        exchange.getMessage().setBody(job.destinations().stream()
                .map(destination -> new CopyJob(job.source(), destination, head, job.options()))
                .toList());
    }
}

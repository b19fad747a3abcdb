package dev.imagesyncer.pipeline;

import dev.imagesyncer.job.ImageJob;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * A step of the sync routes that works on one body with what its run uses: finds the run by the header
 * {@link Headers#RUN_ID} (set from the body when it is an {@link ImageJob} without it), hands the body (of type
 * {@code T}) to {@link #apply}, and makes the result the new body.
 *
 * @param <T> the body the step takes
 */
abstract class RunStep<T> implements Processor {

    private final ActiveRuns runs;
    private final Class<T> bodyType;

    RunStep(ActiveRuns runs, Class<T> bodyType) {
        this.runs = runs;
        this.bodyType = bodyType;
    }

    @Override
    public final void process(Exchange exchange) throws Exception {
        T body = exchange.getMessage().getMandatoryBody(bodyType);
        String runId = exchange.getMessage().getHeader(Headers.RUN_ID, String.class);
        if (runId == null && body instanceof ImageJob job) {
            // an image's exchange carries its run in its body, too: the header follows from it
            runId = job.runId();
            exchange.getMessage().setHeader(Headers.RUN_ID, runId);
        }
        RunContext run = runs.context(runId);
        exchange.getMessage().setBody(apply(body, run, exchange));
    }

    /**
     * The step's work on {@code body}; returns the new body.
     *
     * @throws dev.imagesyncer.registry.RegistryException when a registry call fails
     */
    protected abstract Object apply(T body, RunContext run, Exchange exchange) throws Exception;
}

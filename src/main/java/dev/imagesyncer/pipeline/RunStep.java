package dev.imagesyncer.pipeline;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * A step of the sync routes that works on one body with what its run uses: finds the run by the header
 * {@link Headers#RUN_ID}, hands the body (of type {@code T}) to {@link #apply}, and makes the result the new
 * body.
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
        RunContext run = runs.context(exchange.getMessage().getHeader(Headers.RUN_ID, String.class));
        exchange.getMessage().setBody(apply(body, run, exchange));
    }

    /**
     * The step's work on {@code body}; returns the new body.
     *
     * @throws dev.imagesyncer.registry.RegistryException when a registry call fails
     */
    protected abstract Object apply(T body, RunContext run, Exchange exchange) throws Exception;
}

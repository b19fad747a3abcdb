package dev.imagesyncer.pipeline;

import dev.imagesyncer.copy.CopyPlan;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The step of {@code copy-image} after its blobs are in: pushes the child manifests the target lacks (by digest),
 * then the top manifest under its tag. The body {@link CopyPlan} becomes a {@link dev.imagesyncer.copy.CopyResult}
 * (for a plan with nothing to push, its outcome: unchanged or filtered).
 *
 * @throws dev.imagesyncer.registry.RegistryException when a push fails
 */
public final class PushManifests implements Processor {

    private final ActiveRuns runs;

    public PushManifests(ActiveRuns runs) {
        this.runs = runs;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        CopyPlan plan = exchange.getMessage().getMandatoryBody(CopyPlan.class);
        RunContext run = runs.context(exchange.getMessage().getHeader(Headers.RUN_ID, String.class));
        exchange.getMessage().setBody(run.copier().push(plan));
    }
}

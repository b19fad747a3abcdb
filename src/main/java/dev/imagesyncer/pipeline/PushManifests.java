package dev.imagesyncer.pipeline;

import dev.imagesyncer.copy.CopyPlan;
import org.apache.camel.Exchange;

/**
 * The step of {@code copy-image} after its blobs are in: pushes the child manifests the target lacks (by digest),
 * then the top manifest under its tag. The body {@link CopyPlan} becomes a {@link dev.imagesyncer.copy.CopyResult}
 * (for a plan with nothing to push, its outcome: unchanged or filtered).
 *
 * @throws dev.imagesyncer.registry.RegistryException when a push fails
 */
public final class PushManifests extends RunStep<CopyPlan> {

    public PushManifests(ActiveRuns runs) {
        super(runs, CopyPlan.class);
    }

    @Override
    protected Object apply(CopyPlan plan, RunContext run, Exchange exchange) {
        return run.copier().push(plan);
    }
}

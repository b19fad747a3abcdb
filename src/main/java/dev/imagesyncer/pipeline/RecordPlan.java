package dev.imagesyncer.pipeline;

import dev.imagesyncer.copy.BlobCopy;
import dev.imagesyncer.copy.BlobCounts;
import dev.imagesyncer.copy.BlobResult;
import dev.imagesyncer.copy.CopyPlan;
import dev.imagesyncer.copy.CopyResult;
import dev.imagesyncer.copy.ReferrerCounts;
import org.apache.camel.Exchange;

/**
 * The dry run's step of {@code copy-image}, in place of the copy: the body {@link CopyPlan} becomes an
 * {@link dev.imagesyncer.report.ImageOutcome}, {@code planned} with the blobs it would copy, mount or find present
 * (each asked of the target with HEAD, never written) and the manifests it would push, or the plan's own outcome
 * (unchanged, filtered). Prints its progress line.
 *
 * @throws dev.imagesyncer.registry.RegistryException when the target cannot be asked
 */
public final class RecordPlan extends RunStep<CopyPlan> {

    public RecordPlan(ActiveRuns runs) {
        super(runs, CopyPlan.class);
    }

    @Override
    protected Object apply(CopyPlan plan, RunContext run, Exchange exchange) {
        BlobCounts blobs = BlobCounts.NONE;
        for (BlobCopy blob : plan.blobs()) {
            blobs = blobs.plus(run.copier().planBlob(blob));
        }
        for (BlobCopy ignored : plan.landedBlobs()) {
            blobs = blobs.plus(BlobResult.PRESENT);
        }
        int manifests = 0;
        if (plan.needsPush()) {
            manifests = 1 + (int) plan.children().stream()
                    .filter(child -> run.copier().planChild(plan.target().repository(), child.digest())).count();
        }
        CopyResult result = new CopyResult(plan.source(), plan.target(), plan.digest(),
                plan.needsPush() ? CopyResult.SYNCED : plan.skipOutcome(), plan.note(), blobs, manifests,
                ReferrerCounts.NONE);
        String source = exchange.getMessage().getHeader(Headers.SOURCE, plan.source().toString(), String.class);
        String destination = exchange.getMessage().getHeader(Headers.DESTINATION, plan.target().toString(),
                String.class);
        return run.tally().planned(source, destination, result);
    }
}

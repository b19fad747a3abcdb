package dev.imagesyncer.pipeline;

import dev.imagesyncer.copy.CopyResult;
import dev.imagesyncer.copy.ReferrerSelection;
import dev.imagesyncer.job.CopyJob;
import org.apache.camel.Exchange;

/**
 * The step of {@code copy-image} after its manifests are pushed: with {@code --referrers}, copies the referrers of
 * what the destination now holds (signatures, SBOMs, attestations, and cosign's tags), also when the image itself
 * was unchanged, since a new signature of an old image is the common case. The body {@link CopyResult} stays one,
 * with the referrers counted; a filtered image, or a run without {@code --referrers}, passes unchanged.
 *
 * @throws dev.imagesyncer.registry.RegistryException when a registry call fails
 */
public final class CopyReferrers extends RunStep<CopyResult> {

    public CopyReferrers(ActiveRuns runs) {
        super(runs, CopyResult.class);
    }

    @Override
    protected Object apply(CopyResult result, RunContext run, Exchange exchange) {
        CopyJob job = exchange.getProperty(PlanCopy.JOB, CopyJob.class);
        ReferrerSelection selection = job == null ? ReferrerSelection.NONE
                : job.options().toCopyOptions().referrers();
        if (!selection.enabled() || CopyResult.FILTERED.equals(result.outcome()) || job.existing() != null) {
            return result;
        }
        return result.withReferrers(run.referrers().copy(job.sourceReference(), job.sourceHead(), result.target(),
                result.digest(), selection));
    }
}

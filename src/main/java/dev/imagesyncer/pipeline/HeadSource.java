package dev.imagesyncer.pipeline;

import dev.imagesyncer.job.CopyJob;
import dev.imagesyncer.job.ImageJob;
import dev.imagesyncer.registry.Descriptor;
import dev.imagesyncer.registry.ImageReference;
import org.apache.camel.Exchange;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The first step of {@code sync-image}: reads the source once (HEAD, whatever the number of destinations) and
 * turns the {@link ImageJob} into one {@link CopyJob} per destination. With skipExisting, each destination tag is
 * asked first (HEAD): one that exists becomes a job that copies nothing ({@link CopyJob#existing()}), and the
 * source is read only when some destination lacks its tag.
 *
 * @throws dev.imagesyncer.registry.RegistryException when the source cannot be read (a missing image is permanent)
 */
public final class HeadSource extends RunStep<ImageJob> {

    public HeadSource(ActiveRuns runs) {
        super(runs, ImageJob.class);
    }

    @Override
    protected Object apply(ImageJob job, RunContext run, Exchange exchange) {
        List<CopyJob> jobs = new ArrayList<>();
        List<String> toCopy = new ArrayList<>();
        for (String destination : job.destinations()) {
            Optional<Descriptor> existing = Optional.empty();
            if (job.options().skipExisting()) {
                ImageReference tagged = CopyJob.tagged(job.source(), destination);
                existing = tagged.tag() != null ? run.stores().headManifest(tagged) : Optional.empty();
            }
            existing.ifPresentOrElse(
                    found -> jobs.add(new CopyJob(job.source(), destination, null, job.options(), found)),
                    () -> toCopy.add(destination));
        }
        if (!toCopy.isEmpty()) {
            Descriptor head = run.copier().headSource(job.sourceReference());
            toCopy.forEach(destination -> jobs.add(new CopyJob(job.source(), destination, head, job.options())));
        }
        List<String> order = job.destinations();
        jobs.sort(java.util.Comparator.comparingInt(copy -> order.indexOf(copy.destination())));
        return jobs;
    }
}

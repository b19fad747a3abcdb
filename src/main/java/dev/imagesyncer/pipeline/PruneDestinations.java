package dev.imagesyncer.pipeline;

import dev.imagesyncer.config.Namespace;
import dev.imagesyncer.config.SyncRule;
import dev.imagesyncer.job.CopyJob;
import dev.imagesyncer.job.ImageJob;
import dev.imagesyncer.prune.PrunePlan;
import dev.imagesyncer.prune.PruneTarget;
import dev.imagesyncer.prune.Pruner;
import dev.imagesyncer.registry.Digest;
import dev.imagesyncer.registry.ErrorCode;
import dev.imagesyncer.registry.ImageReference;
import dev.imagesyncer.registry.RegistryException;
import dev.imagesyncer.registry.Repository;
import dev.imagesyncer.report.ImageOutcome;
import dev.imagesyncer.report.RunTally;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The step of {@code run} after the images, with {@code --prune}: deletes, from the destination repositories of
 * the rules that list their source's tags (all tags, regex, namespace), the tags no rule of the run selects any
 * more. The body (the run's {@link ImageJob}s) becomes the outcomes {@code pruned}, one per tag, for their events;
 * without {@code --prune} (or in an interrupted run) an empty list.
 *
 * <p>What is never pruned: a tag any rule writes; anything in a repository no listing rule writes, or that a
 * listing rule writes whose listing failed or selected nothing (it has no images in the run); a repository into
 * which a copy of the run failed or did not finish; a digest the run copied or found, or a kept tag or a kept
 * manifest still needs ({@link Pruner}); anything at all when the run would delete more than
 * {@code --prune-max} tags. A registry that does not delete is said once and not asked again. In a dry run the
 * deletions are listed, not made.
 */
public final class PruneDestinations extends RunStep<List> {

    private static final Logger LOG = LoggerFactory.getLogger(PruneDestinations.class);

    public PruneDestinations(ActiveRuns runs) {
        super(runs, List.class);
    }

    @Override
    protected Object apply(List body, RunContext run, Exchange exchange) {
        RunSettings.PruneSettings settings = run.settings().prune();
        RunTally tally = run.tally();
        if (!settings.enabled() || tally.isInterrupted()) {
            return List.of();
        }
        tally.pruning();
        List<ImageJob> jobs = new ArrayList<>();
        for (Object job : body) {
            jobs.add((ImageJob) job);
        }
        List<PruneTarget> targets = targets(jobs, run.config().images().rules(), tally.outcomes());
        Pruner pruner = new Pruner(run.stores());
        PrunePlan plan;
        try {
            plan = pruner.plan(targets);
        } catch (RegistryException | IllegalArgumentException e) {
            tally.pruneRefused("a destination could not be read: " + e.getMessage());
            return List.of();
        }
        plan.stale().forEach(stale -> tally.pruneStale(stale.rule(), stale.repository() + ":" + stale.tag(),
                stale.reason()));
        if (plan.tagCount() > settings.max()) {
            tally.pruneRefused("it would delete " + plan.tagCount() + (plan.tagCount() == 1 ? " tag" : " tags")
                    + ", more than --prune-max "
                    + settings.max() + " (sync.prune.max); raise it to go ahead");
            return List.of();
        }
        List<ImageOutcome> outcomes = new ArrayList<>();
        Set<String> notDeleting = new HashSet<>();
        for (PrunePlan.Deletion deletion : plan.deletions()) {
            Repository repository = deletion.repository();
            if (notDeleting.contains(repository.registry())) {
                tally.pruneNotDeleted(deletion.rule(), tagsOf(deletion), "", false);
                continue;
            }
            if (!run.settings().dryRun().enabled()) {
                try {
                    pruner.delete(deletion);
                } catch (RegistryException e) {
                    if (e.code() == ErrorCode.UNSUPPORTED) {
                        notDeleting.add(repository.registry());
                    }
                    tally.pruneNotDeleted(deletion.rule(), tagsOf(deletion), e.getMessage(), true);
                    continue;
                }
            }
            for (String tag : tagsOf(deletion)) {
                outcomes.add(tally.pruned(deletion.rule(), tag, deletion.digest().toString()));
            }
        }
        return outcomes;
    }

    private static List<String> tagsOf(PrunePlan.Deletion deletion) {
        return deletion.tags().stream().map(tag -> deletion.repository() + ":" + tag).toList();
    }

    /**
     * The repositories to prune: written by a rule that lists tags, with every tag any rule writes there; less
     * those a listing rule without images (its listing failed, or it selected nothing) may write.
     */
    private static List<PruneTarget> targets(List<ImageJob> jobs, List<SyncRule> rules, List<ImageOutcome> outcomes) {
        Map<Repository, Set<Digest>> kept = new HashMap<>();
        Set<Repository> unfinished = new HashSet<>();
        for (ImageOutcome outcome : outcomes) {
            Repository repository;
            try {
                repository = ImageReference.parse(outcome.destination()).repository();
            } catch (IllegalArgumentException notAnImage) {
                continue;
            }
            if (Set.of(ImageOutcome.FAILED, ImageOutcome.STOPPED, ImageOutcome.NOT_STARTED)
                    .contains(outcome.result())) {
                unfinished.add(repository);
            } else if (!outcome.digest().isEmpty()) {
                kept.computeIfAbsent(repository, r -> new HashSet<>()).add(Digest.parse(outcome.digest()));
            }
        }
        Map<Repository, Set<String>> wanted = new HashMap<>();
        Map<Repository, String> listedBy = new LinkedHashMap<>();
        Set<Integer> withImages = new HashSet<>();
        for (ImageJob job : jobs) {
            SyncRule rule = rules.get(job.rule() - 1);
            withImages.add(job.rule());
            for (String destination : job.destinations()) {
                ImageReference target = CopyJob.tagged(job.source(), destination);
                if (target.tag() != null) {
                    wanted.computeIfAbsent(target.repository(), r -> new HashSet<>()).add(target.tag());
                }
                if (listsTags(rule)) {
                    listedBy.putIfAbsent(target.repository(), rule.source());
                }
            }
        }
        List<SyncRule> withoutImages = new ArrayList<>();
        for (int number = 1; number <= rules.size(); number++) {
            SyncRule rule = rules.get(number - 1);
            if (listsTags(rule) && !withImages.contains(number)) {
                withoutImages.add(rule);
                LOG.warn("{}: rule {} (\"{}\") has no images in this run (its listing failed, or it selected "
                                + "nothing): {}{} not pruned", rule.file(), number, rule.source(),
                        rule.namespace() != null ? "what it writes under " : "", String.join(", ",
                                rule.destinationNames()));
            }
        }
        List<PruneTarget> targets = new ArrayList<>();
        listedBy.forEach((repository, rule) -> {
            if (unfinished.contains(repository)) {
                LOG.warn("{}: a copy into it did not finish in this run: not pruned", repository);
            } else if (withoutImages.stream().noneMatch(silent -> mayWrite(silent, repository))) {
                targets.add(new PruneTarget(repository, wanted.getOrDefault(repository, Set.of()),
                        kept.getOrDefault(repository, Set.of()), rule));
            }
        });
        return targets;
    }

    private static boolean listsTags(SyncRule rule) {
        return rule.namespace() != null || rule.needsTagListing();
    }

    /** True when {@code rule} may write into {@code repository}: one of its destinations, or under its prefixes. */
    private static boolean mayWrite(SyncRule rule, Repository repository) {
        Namespace namespace = rule.namespace();
        return rule.destinations().stream().anyMatch(destination -> destination.repository().equals(repository)
                || namespace != null && destination.repository().registry().equals(repository.registry())
                && (destination.repository().path().isEmpty()
                || repository.path().startsWith(destination.repository().path() + "/")));
    }
}

package dev.imagesyncer.pipeline;

import dev.imagesyncer.config.ImageCopyJob;
import dev.imagesyncer.config.Namespace;
import dev.imagesyncer.config.SyncRule;
import dev.imagesyncer.config.TagFilter;
import dev.imagesyncer.job.ImageJob;
import dev.imagesyncer.job.JobOptions;
import dev.imagesyncer.registry.ReferrersIndex;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code list-tags} step: one rule of the images file (body {@link SyncRule}) becomes the images it names
 * (body {@code List<ImageJob>}), in the order of its tags. Lists the source repository's tags (one registry call,
 * paged) when the rule asks for all of them or some by regex; a rule that selects no tag says so in one line.
 * With {@code --referrers}, the tags that name referrers of an image by its digest are left to that image. A
 * namespace rule ({@code REG/ns/*}, {@code REG/ns/**}) lists the registry's catalog first (paged), and becomes the
 * images of each repository under the namespace, each destination prefix followed by its path below it.
 *
 * @throws dev.imagesyncer.registry.RegistryException when the tags cannot be listed
 * @throws dev.imagesyncer.config.ConfigException when a destination's tags do not match the listed ones
 */
public final class ListTags extends RunStep<SyncRule> {

    private static final Logger LOG = LoggerFactory.getLogger(ListTags.class);

    public ListTags(ActiveRuns runs) {
        super(runs, SyncRule.class);
    }

    @Override
    protected Object apply(SyncRule rule, RunContext run, Exchange exchange) {
        int number = run.config().images().rules().indexOf(rule) + 1;
        if (rule.namespace() == null) {
            return jobsOf(rule, number, run);
        }
        Namespace namespace = rule.namespace();
        List<String> listed = run.stores().listRepositories(namespace.anchor());
        List<String> under = listed.stream().filter(path -> namespace.below(path) != null).toList();
        // a mirror inside the namespace it mirrors (REG/** -> REG/mirror) is not copied into itself again
        List<String> repositories = under.stream().filter(path -> rule.destinations().stream().noneMatch(prefix ->
                prefix.repository().registry().equals(namespace.registry())
                        && (prefix.repository().path().isEmpty()
                        || (path + "/").startsWith(prefix.repository().path() + "/")))).toList();
        if (repositories.size() < under.size()) {
            LOG.info("{}: rule {} (\"{}\"): {} repositories under its own destination left out", rule.file(), number,
                    rule.source(), under.size() - repositories.size());
        }
        if (listed.isEmpty() && namespace.anchor().isLayout()) {
            LOG.warn("{}: rule {} (\"{}\"): {} holds no image named with its repository (team/app:1.0); nothing to "
                    + "copy", rule.file(), number, rule.source(), namespace.registry());
        } else if (listed.isEmpty()) {
            LOG.warn("{}: rule {} (\"{}\"): the catalog of {} lists no repository (registries list none to clients "
                    + "without rights to the whole registry): name the repositories instead; nothing to copy",
                    rule.file(), number, rule.source(), namespace.registry());
        } else if (repositories.isEmpty()) {
            LOG.warn("{}: rule {} (\"{}\"): none of the {} repositories of {} is in {}; nothing to copy",
                    rule.file(), number, rule.source(), listed.size(), namespace.registry(), namespace);
        } else {
            LOG.info("{}: rule {} (\"{}\"): {} of the {} repositories the catalog lists", rule.file(), number,
                    rule.source(), repositories.size(), listed.size());
        }
        List<ImageJob> jobs = new ArrayList<>();
        repositories.forEach(path -> jobs.addAll(jobsOf(rule.inRepository(path), number, run)));
        return jobs;
    }

    /** The images of a rule for one repository. */
    private static List<ImageJob> jobsOf(SyncRule rule, int number, RunContext run) {
        List<String> tags = List.of();
        JobOptions options = JobOptions.of(run.settings().copy(), rule.options(), run.settings().rules());
        if (rule.needsTagListing()) {
            List<String> listed = run.stores().listTags(rule.repository());
            if (options.referrers()) {
                listed = withoutReferrerTags(listed, rule, number);
            }
            TagFilter filter = rule.tagFilter(run.settings().rules().tags());
            List<String> matching = rule.selectTags(listed);
            tags = rule.selectTags(listed, run.settings().rules().tags());
            if (tags.size() < matching.size()) {
                LOG.info("{}: rule {} (\"{}\"): {} of {} tags kept by the tag filter ({}), {} filtered out",
                        rule.file(), number, rule.source(), tags.size(), matching.size(), filter,
                        matching.size() - tags.size());
            }
            if (tags.isEmpty()) {
                LOG.warn("{}: rule {} (\"{}\") selects no tag: {}; nothing to copy", rule.file(), number,
                        rule.source(), listed.isEmpty() ? rule.repository() + " has no tags"
                                : "none of the " + listed.size() + " tags of " + rule.repository() + " are "
                                + rule.selection() + (filter.isEmpty() ? "" : " and kept by " + filter)
                                + (run.settings().prune().enabled() ? "; its destination is not pruned" : ""));
            }
        }
        return rule.pairs(tags).stream().map(pair -> toJob(run.id(), number, pair, options)).toList();
    }

    /**
     * With {@code --referrers}, the tags of the referrers tag schema ({@code sha256-<hex>}) and cosign's
     * ({@code sha256-<hex>.sig|.att|.sbom}) travel with the image they name, not as images of their own: left out
     * of the listing, said in one line.
     */
    private static List<String> withoutReferrerTags(List<String> listed, SyncRule rule, int number) {
        List<String> images = listed.stream().filter(tag -> !ReferrersIndex.isReferrerTag(tag)).toList();
        int left = listed.size() - images.size();
        if (left > 0) {
            LOG.info("{}: rule {} (\"{}\"): {} of {} name{} referrers of an image (sha256-<digest>[.sig|.att|.sbom]):"
                            + " not copied as images; --referrers copies those of the images copied",
                    rule.file(), number, rule.source(), left == 1 ? "1 tag" : left + " tags", rule.repository(),
                    left == 1 ? "s" : "");
        }
        return images;
    }

    private static ImageJob toJob(String runId, int rule, ImageCopyJob pair, JobOptions options) {
        return new ImageJob(runId, rule, pair.source().toString(),
                pair.targets().stream().map(Object::toString).toList(), options);
    }
}

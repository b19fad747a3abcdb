package dev.imagesyncer.pipeline;

import dev.imagesyncer.config.ImageCopyJob;
import dev.imagesyncer.config.SyncRule;
import dev.imagesyncer.job.ImageJob;
import dev.imagesyncer.job.JobOptions;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The {@code list-tags} step: one rule of the images file (body {@link SyncRule}) becomes the images it names
 * (body {@code List<ImageJob>}), in the order of its tags. Lists the source repository's tags (one registry call,
 * paged) when the rule asks for all of them or some by regex; a rule that selects no tag says so in one line.
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
        List<String> tags = List.of();
        if (rule.needsTagListing()) {
            List<String> listed = run.client().listTags(rule.repository());
            tags = rule.selectTags(listed);
            if (tags.isEmpty()) {
                LOG.warn("{}: rule {} (\"{}\") selects no tag: {}; nothing to copy", rule.file(), number,
                        rule.source(), listed.isEmpty() ? rule.repository() + " has no tags"
                                : "none of the " + listed.size() + " tags of " + rule.repository() + " are "
                                + rule.selection());
            }
        }
        JobOptions options = JobOptions.of(run.settings().copy());
        return rule.pairs(tags).stream().map(pair -> toJob(run.id(), number, pair, options)).toList();
    }

    private static ImageJob toJob(String runId, int rule, ImageCopyJob pair, JobOptions options) {
        return new ImageJob(runId, rule, pair.source().toString(),
                pair.targets().stream().map(Object::toString).toList(), options);
    }
}

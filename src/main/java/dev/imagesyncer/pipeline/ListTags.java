package dev.imagesyncer.pipeline;

import dev.imagesyncer.config.ImageCopyJob;
import dev.imagesyncer.config.SyncRule;
import dev.imagesyncer.job.ImageJob;
import dev.imagesyncer.job.JobOptions;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import java.util.List;

/**
 * The {@code list-tags} step: one rule of the images file (body {@link SyncRule}) becomes the images it names
 * (body {@code List<ImageJob>}), in the order of its tags. Lists the source repository's tags (one registry call,
 * paged) when the rule asks for all of them or some by regex.
 *
 * @throws dev.imagesyncer.registry.RegistryException when the tags cannot be listed
 * @throws dev.imagesyncer.config.ConfigException when a destination's tags do not match the listed ones
 */
public final class ListTags implements Processor {

    private final ActiveRuns runs;

    public ListTags(ActiveRuns runs) {
        this.runs = runs;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        SyncRule rule = exchange.getMessage().getMandatoryBody(SyncRule.class);
        RunContext run = runs.context(exchange.getMessage().getHeader(Headers.RUN_ID, String.class));
        List<String> tags = rule.needsTagListing()
                ? rule.selectTags(run.client().listTags(rule.repository()))
                : List.of();
        int number = run.config().images().rules().indexOf(rule) + 1;
        JobOptions options = JobOptions.of(run.settings().copy());
        List<ImageJob> jobs = rule.pairs(tags).stream()
                .map(pair -> toJob(run.id(), number, pair, options))
                .toList();
        exchange.getMessage().setBody(jobs);
    }

    private static ImageJob toJob(String runId, int rule, ImageCopyJob pair, JobOptions options) {
        return new ImageJob(runId, rule, pair.source().toString(),
                pair.targets().stream().map(Object::toString).toList(), options);
    }
}

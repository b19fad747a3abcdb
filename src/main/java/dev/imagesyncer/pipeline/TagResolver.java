package dev.imagesyncer.pipeline;

import dev.imagesyncer.config.ImageCopyJob;
import dev.imagesyncer.config.SyncRule;
import org.apache.camel.ExchangeProperty;

import java.util.List;

/** Turns a rule into the images it names: lists the source tags when the rule asks for all or some by regex. */
public final class TagResolver {

    public List<ImageCopyJob> plan(SyncRule rule, @ExchangeProperty(SyncRun.PROPERTY) SyncRun run) {
        List<String> tags = rule.needsTagListing()
                ? rule.selectTags(run.client().listTags(rule.repository()))
                : List.of();
        List<ImageCopyJob> jobs = rule.pairs(tags);
        run.plan(jobs);
        return jobs;
    }
}

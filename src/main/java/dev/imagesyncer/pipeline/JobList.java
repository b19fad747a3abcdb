package dev.imagesyncer.pipeline;

import dev.imagesyncer.job.ImageJob;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Joins what {@code list-tags} returns for each rule into one {@code List<ImageJob>}, in the images file's order
 * whatever rule finished first: the aggregation strategy of the {@code sync} route's split over the rules. The
 * jobs are gathered on the run's own exchange, by the split index of the rule, and become its body when the split
 * completes; nothing of a rule's exchange (a failure, a {@code stop}) is copied onto the run's. Anything but image
 * jobs (a rule that failed ends with its failure outcomes, a filtered one with its rule) adds nothing.
 */
public final class JobList implements AggregationStrategy {

    private static final String BY_RULE = "ImageSyncerJobsByRule";

    @Override
    @SuppressWarnings("unchecked")
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange, Exchange inputExchange) {
        Map<Integer, List<ImageJob>> byRule = inputExchange.getProperty(BY_RULE, Map.class);
        if (byRule == null) {
            byRule = new TreeMap<>();
            inputExchange.setProperty(BY_RULE, byRule);
        }
        if (newExchange.getMessage().getBody() instanceof List<?> list) {
            byRule.put(newExchange.getProperty(Exchange.SPLIT_INDEX, byRule.size(), Integer.class),
                    list.stream().filter(ImageJob.class::isInstance).map(ImageJob.class::cast).toList());
        }
        return inputExchange;
    }

    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
        throw new UnsupportedOperationException("JobList aggregates onto the run's exchange: it needs it");
    }

    @Override
    @SuppressWarnings("unchecked")
    public void onCompletion(Exchange exchange, Exchange inputExchange) {
        Exchange run = inputExchange != null ? inputExchange : exchange;
        if (run == null) {
            return;
        }
        Map<Integer, List<ImageJob>> byRule = run.getProperty(BY_RULE, Map.of(), Map.class);
        run.removeProperty(BY_RULE);
        run.getMessage().setBody(byRule.values().stream().flatMap(List::stream).toList());
    }
}

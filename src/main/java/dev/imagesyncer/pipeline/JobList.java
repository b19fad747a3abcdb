package dev.imagesyncer.pipeline;

import dev.imagesyncer.job.ImageJob;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

import java.util.ArrayList;
import java.util.List;

/**
 * Joins what {@code list-tags} returns for each rule into one {@code List<ImageJob>}: the aggregation strategy of
 * the {@code sync} route's split over the rules. The split is not streaming, so Camel aggregates in the rules'
 * order, and the jobs come out in the images file's order whatever rule finished first. Anything but image jobs
 * (a rule that failed ends with its failure outcomes, a filtered one with its rule) adds nothing.
 */
public final class JobList implements AggregationStrategy {

    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
        Exchange result = oldExchange != null ? oldExchange : newExchange;
        List<ImageJob> jobs = new ArrayList<>();
        if (oldExchange != null) {
            collect(oldExchange.getMessage().getBody(), jobs);
        }
        collect(newExchange.getMessage().getBody(), jobs);
        result.getMessage().setBody(jobs);
        return result;
    }

    private static void collect(Object body, List<ImageJob> jobs) {
        if (body instanceof List<?> list) {
            list.stream().filter(ImageJob.class::isInstance).map(ImageJob.class::cast).forEach(jobs::add);
        }
    }
}

package dev.imagesyncer.pipeline;

import dev.imagesyncer.config.SyncRule;
import dev.imagesyncer.job.ImageJob;
import dev.imagesyncer.registry.RegistryException;
import dev.imagesyncer.service.SyncMetrics;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes' {@code onRedelivery} processor: right before a redelivery, prints one line in the tool's words
 * (which image and blob or manifest step, attempt k of n, why) and counts the retry, and the 429s among them, in
 * the run and the metrics. Notes the attempt in the exchange property {@value #ATTEMPTS} for the outcome.
 */
public final class RedeliveryLog implements Processor {

    /** How many times the step being redelivered has now been tried, counting this redelivery (an Integer). */
    public static final String ATTEMPTS = "ImageSyncerAttempts";

    private static final Logger LOG = LoggerFactory.getLogger("dev.imagesyncer.retry");

    private final ActiveRuns runs;
    private final SyncMetrics metrics;

    public RedeliveryLog(ActiveRuns runs, SyncMetrics metrics) {
        this.runs = runs;
        this.metrics = metrics;
    }

    @Override
    public void process(Exchange exchange) {
        Throwable caught = exchange.getException() != null
                ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        int redelivery = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 1, Integer.class);
        int max = exchange.getMessage().getHeader(Exchange.REDELIVERY_MAX_COUNTER, redelivery, Integer.class);
        LOG.warn("retry: {}: attempt {} of {} after: {}", what(exchange), redelivery + 1, max + 1,
                FailureRecorder.reasonOf(caught));
        exchange.setProperty(ATTEMPTS, redelivery + 1);
        boolean rateLimited = caught instanceof RegistryException error && error.status() == 429;
        metrics.retry(caught);
        String runId = exchange.getMessage().getHeader(Headers.RUN_ID, String.class);
        if (runId != null && runs.isRunning()) {
            runs.context(runId).tally().retried(rateLimited);
        }
    }

    /** The step being redelivered, from the headers the routes set and the body. */
    private static String what(Exchange exchange) {
        String source = exchange.getMessage().getHeader(Headers.SOURCE, String.class);
        String destination = exchange.getMessage().getHeader(Headers.DESTINATION, String.class);
        String digest = exchange.getMessage().getHeader(Headers.DIGEST, String.class);
        Object body = exchange.getMessage().getBody();
        if (digest != null) {
            return "blob " + digest + " of " + source + " -> " + destination;
        } else if (destination != null) {
            return "image " + source + " -> " + destination;
        } else if (body instanceof ImageJob job) {
            return "source " + job.source();
        } else if (body instanceof SyncRule rule) {
            return "tag list of " + rule.source();
        }
        return String.valueOf(body);
    }
}

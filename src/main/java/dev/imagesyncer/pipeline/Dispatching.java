package dev.imagesyncer.pipeline;

import org.apache.camel.Exchange;
import org.apache.camel.Predicate;

/**
 * True when the copy jobs of the exchange's run ({@link Headers#RUN_ID}) go to the cluster's job queue: cluster
 * mode ({@code sync.cluster.brokerUrl}) and not a dry run, which only reads and stays on the instance that plans
 * it. The predicate of the choice at the end of {@code sync-image}.
 */
public final class Dispatching implements Predicate {

    private final ActiveRuns runs;
    private final boolean cluster;

    /** {@code cluster}: whether a job queue is configured. */
    public Dispatching(ActiveRuns runs, boolean cluster) {
        this.runs = runs;
        this.cluster = cluster;
    }

    @Override
    public boolean matches(Exchange exchange) {
        return cluster && !runs.context(exchange.getMessage().getHeader(Headers.RUN_ID, String.class)).settings()
                .dryRun().enabled();
    }
}

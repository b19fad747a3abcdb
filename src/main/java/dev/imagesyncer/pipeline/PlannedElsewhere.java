package dev.imagesyncer.pipeline;

import org.apache.camel.Exchange;
import org.apache.camel.Predicate;

/**
 * True for an exchange of a run another instance planned ({@link ActiveRuns#isPlannedElsewhere}): cluster mode,
 * a copy job taken from the job queue. The predicate of the choice in {@code image-event}: such an outcome goes
 * back to its planner, which sends its event.
 */
public final class PlannedElsewhere implements Predicate {

    private final ActiveRuns runs;

    public PlannedElsewhere(ActiveRuns runs) {
        this.runs = runs;
    }

    @Override
    public boolean matches(Exchange exchange) {
        return runs.isPlannedElsewhere(exchange.getMessage().getHeader(Headers.RUN_ID, String.class));
    }
}

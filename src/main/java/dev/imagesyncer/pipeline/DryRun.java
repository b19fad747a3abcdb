package dev.imagesyncer.pipeline;

import org.apache.camel.Exchange;
import org.apache.camel.Predicate;

/**
 * True for an exchange whose run ({@link Headers#RUN_ID}) is a dry run ({@code --dry-run}): the predicate of the
 * filter in {@code copy-image} that records the plan ({@link RecordPlan}) instead of copying.
 */
public final class DryRun implements Predicate {

    private final ActiveRuns runs;

    public DryRun(ActiveRuns runs) {
        this.runs = runs;
    }

    @Override
    public boolean matches(Exchange exchange) {
        return runs.context(exchange.getMessage().getHeader(Headers.RUN_ID, String.class)).settings().dryRun()
                .enabled();
    }
}

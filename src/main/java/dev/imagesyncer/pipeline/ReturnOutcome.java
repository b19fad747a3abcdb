package dev.imagesyncer.pipeline;

import dev.imagesyncer.copy.CopyResult;
import dev.imagesyncer.job.JobOutcome;
import dev.imagesyncer.report.ImageOutcome;
import dev.imagesyncer.report.RunSummary;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Cluster mode, the first step of {@code send-outcome}: the body {@link ImageOutcome} of a job another instance
 * planned becomes the {@link JobOutcome} that goes back to it, with this instance's name and what the copy
 * transferred (from the exchange property {@value RecordCopy#RESULT}, when the copy ended with a result). A copy
 * this instance's stop ended ({@code stopped}) is not sent: the exchange is marked rollback-only, so the job's
 * transaction rolls back and the broker gives the job to another instance.
 */
public final class ReturnOutcome implements Processor {

    private final String node;

    /** Outcomes sent back as copied by {@code node} ({@code sync.cluster.node}). */
    public ReturnOutcome(String node) {
        this.node = node;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        ImageOutcome outcome = exchange.getMessage().getMandatoryBody(ImageOutcome.class);
        if (ImageOutcome.STOPPED.equals(outcome.result())) {
            // this instance is stopping: the job goes back to the queue, for another instance to copy
            exchange.setRollbackOnly(true);
            return;
        }
        CopyResult result = exchange.getProperty(RecordCopy.RESULT, CopyResult.class);
        boolean copied = result != null && !ImageOutcome.FAILED.equals(outcome.result())
                && !ImageOutcome.STOPPED.equals(outcome.result());
        exchange.getMessage().setBody(new JobOutcome(exchange.getMessage().getHeader(Headers.RUN_ID, String.class),
                node, outcome, copied ? RunSummary.TransferCounts.of(result) : RunSummary.TransferCounts.NONE));
    }
}

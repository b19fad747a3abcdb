package dev.imagesyncer.pipeline;

import dev.imagesyncer.copy.BlobCounts;
import dev.imagesyncer.copy.BlobResult;
import dev.imagesyncer.copy.CopyPlan;
import dev.imagesyncer.registry.TransferStoppedException;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * The aggregation strategy of {@code copy-image}'s split over the blobs. It sums the {@link BlobResult} each
 * {@code copy-blob} exchange ends with onto the image's own exchange, which keeps its {@link CopyPlan} body (now
 * with those counts). A blob that failed past its redeliveries is noted on the image's exchange (the property
 * {@value #FAILURE}), for {@link BlobsLanded} to fail the image before any manifest is pushed; so is a blob that
 * stopped because the run is interrupted, unless another one failed. (An exception set
 * here would go past {@code copy-image}'s error handler: Camel hands a split's aggregated failure to the caller.)
 */
public final class BlobTally implements AggregationStrategy {

    /**
     * The first blob failure of an image: a {@link BlobFailedException}, or the {@link TransferStoppedException}
     * of a blob that stopped with the run when none failed.
     */
    public static final String FAILURE = "ImageSyncerBlobFailure";
    private static final String COUNTS = "ImageSyncerBlobCounts";

    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange, Exchange inputExchange) {
        Exception failure = newExchange.getException();
        if (failure instanceof TransferStoppedException stopped) {
            if (inputExchange.getProperty(FAILURE) == null) {
                inputExchange.setProperty(FAILURE, stopped);
            }
        } else if (failure != null) {
            if (!(inputExchange.getProperty(FAILURE) instanceof BlobFailedException)) {
                inputExchange.setProperty(FAILURE, new BlobFailedException(newExchange.getMessage().getBody(), failure));
                // the image's outcome says how often its failing blob was tried
                inputExchange.setProperty(RedeliveryLog.ATTEMPTS, Math.max(
                        inputExchange.getProperty(RedeliveryLog.ATTEMPTS, 1, Integer.class),
                        newExchange.getProperty(RedeliveryLog.ATTEMPTS, 1, Integer.class)));
            }
        } else if (newExchange.getMessage().getBody() instanceof BlobResult blob) {
            inputExchange.setProperty(COUNTS, inputExchange.getProperty(COUNTS, BlobCounts.NONE, BlobCounts.class)
                    .plus(blob));
        }
        return inputExchange;
    }

    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
        throw new UnsupportedOperationException("BlobTally aggregates onto the image's exchange: it needs it");
    }

    @Override
    public void onCompletion(Exchange exchange, Exchange inputExchange) {
        if (exchange != null && exchange.getMessage().getBody() instanceof CopyPlan plan) {
            exchange.getMessage().setBody(plan.withBlobCounts(
                    exchange.getProperty(COUNTS, BlobCounts.NONE, BlobCounts.class)));
        }
    }
}

package dev.imagesyncer.pipeline;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The step of {@code copy-image} right after its blobs: when one of them failed past its redeliveries
 * ({@link BlobTally#FAILURE}), the image fails here with that {@link BlobFailedException}, before any manifest is
 * pushed, and goes to the dead-letter channel without an image-level redelivery (it is not transient).
 */
public final class BlobsLanded implements Processor {

    @Override
    public void process(Exchange exchange) {
        BlobFailedException failed = exchange.getProperty(BlobTally.FAILURE, BlobFailedException.class);
        if (failed != null) {
            throw failed;
        }
    }
}

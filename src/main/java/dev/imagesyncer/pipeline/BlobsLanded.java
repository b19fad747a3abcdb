package dev.imagesyncer.pipeline;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The step of {@code copy-image} right after its blobs: when one of them failed past its redeliveries
 * ({@link BlobTally#FAILURE}), the image fails here with that {@link BlobFailedException}, before any manifest is
 * pushed, and goes to the dead-letter channel without an image-level redelivery (it is not transient). An image
 * whose blobs stopped with the run ({@link dev.imagesyncer.registry.TransferStoppedException}) ends there too,
 * as {@code stopped}.
 */
public final class BlobsLanded implements Processor {

    @Override
    public void process(Exchange exchange) {
        RuntimeException failed = exchange.getProperty(BlobTally.FAILURE, RuntimeException.class);
        if (failed != null) {
            throw failed;
        }
    }
}

package dev.imagesyncer.pipeline;

import dev.imagesyncer.copy.BlobCopy;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The {@code copy-blob} step: puts one blob (body {@link BlobCopy}) into its target repository, unless this run
 * already did: HEAD, then a mount or a stream from the source verified against the digest. The body becomes a
 * {@link dev.imagesyncer.copy.BlobResult}. One attempt: the route's redelivery policy retries.
 *
 * @throws dev.imagesyncer.registry.RegistryException when a registry call fails or the bytes are wrong
 */
public final class CopyBlob implements Processor {

    private final ActiveRuns runs;

    public CopyBlob(ActiveRuns runs) {
        this.runs = runs;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        BlobCopy blob = exchange.getMessage().getMandatoryBody(BlobCopy.class);
        RunContext run = runs.context(exchange.getMessage().getHeader(Headers.RUN_ID, String.class));
        exchange.getMessage().setBody(run.copier().copyBlob(blob));
    }
}

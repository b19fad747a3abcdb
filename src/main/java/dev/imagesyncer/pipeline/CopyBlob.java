package dev.imagesyncer.pipeline;

import dev.imagesyncer.copy.BlobCopy;
import org.apache.camel.Exchange;

/**
 * The {@code copy-blob} step: puts one blob (body {@link BlobCopy}) into its target repository, unless this run
 * already did: HEAD, then a mount or a stream from the source verified against the digest. The body becomes a
 * {@link dev.imagesyncer.copy.BlobResult}. One attempt: the route's redelivery policy retries.
 *
 * @throws dev.imagesyncer.registry.RegistryException when a registry call fails or the bytes are wrong
 */
public final class CopyBlob extends RunStep<BlobCopy> {

    public CopyBlob(ActiveRuns runs) {
        super(runs, BlobCopy.class);
    }

    @Override
    protected Object apply(BlobCopy blob, RunContext run, Exchange exchange) {
        return run.copier().copyBlob(blob);
    }
}

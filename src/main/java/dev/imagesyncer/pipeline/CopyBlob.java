package dev.imagesyncer.pipeline;

import dev.imagesyncer.copy.BlobCopy;
import dev.imagesyncer.registry.TransferStoppedException;
import org.apache.camel.Exchange;

/**
 * The {@code copy-blob} step: puts one blob (body {@link BlobCopy}) into its target repository, unless this run
 * already did: HEAD, then a mount or a stream from the source verified against the digest. The body becomes a
 * {@link dev.imagesyncer.copy.BlobResult}. One attempt: the route's redelivery policy retries. Once the run is
 * interrupted no blob starts (nor starts again on a redelivery), and a chunked upload in flight stops after its
 * chunk.
 *
 * @throws dev.imagesyncer.registry.RegistryException when a registry call fails or the bytes are wrong
 * @throws TransferStoppedException                   when the run is interrupted: the blob did not start, or its
 *                                                    upload stopped at a chunk boundary, journaled
 */
public final class CopyBlob extends RunStep<BlobCopy> {

    public CopyBlob(ActiveRuns runs) {
        super(runs, BlobCopy.class);
    }

    @Override
    protected Object apply(BlobCopy blob, RunContext run, Exchange exchange) {
        if (run.tally().isInterrupted()) {
            throw new TransferStoppedException(blob + ": not started, the run is stopping", 0);
        }
        return run.copier().copyBlob(blob);
    }
}

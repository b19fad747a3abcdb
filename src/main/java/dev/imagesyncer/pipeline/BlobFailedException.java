package dev.imagesyncer.pipeline;

/**
 * A blob that could not be put into the target after the {@code copy-blob} route's redeliveries. It fails its
 * image at once: the image is not redelivered for it, and no manifest that needs the blob is pushed. The message
 * is the blob's last failure. That failure is deliberately not its cause: Camel matches {@code onException} clauses
 * against the whole cause chain, and a transient cause would have the image redelivered.
 */
public final class BlobFailedException extends RuntimeException {

    public BlobFailedException(Object blob, Throwable failure) {
        super(failure.getMessage() != null ? failure.getMessage() : blob + ": " + failure);
    }
}

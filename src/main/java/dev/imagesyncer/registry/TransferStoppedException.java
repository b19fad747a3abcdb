package dev.imagesyncer.registry;

/**
 * A blob transfer that ended because its run was asked to stop (SIGTERM, Ctrl-C), not because anything failed:
 * a chunked upload stops after the chunk in flight, with its session journaled ({@link UploadJournal}) so that the
 * next run carries it on from {@link #offset()}, and a transfer that had not started does not start. Neither
 * transient nor permanent: never retried, never counted as a failure.
 */
public final class TransferStoppedException extends RuntimeException {

    private final long offset;

    /**
     * @param message what stopped, where (names the blob and repository; never a credential)
     * @param offset  bytes of the blob the registry holds in the journaled session, 0 when nothing was sent
     */
    public TransferStoppedException(String message, long offset) {
        super(message, null, false, false);
        this.offset = offset;
    }

    /** Bytes of the blob the registry holds in the journaled session: where the next run carries on. */
    public long offset() {
        return offset;
    }
}

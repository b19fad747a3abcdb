package dev.imagesyncer.registry;

/** Content whose digest or size is not the one announced: nothing built on it may be pushed. */
public final class DigestMismatchException extends PermanentRegistryException {

    public DigestMismatchException(String message) {
        super(message, 0, ErrorCode.DIGEST_INVALID);
    }
}

package dev.imagesyncer.registry;

/**
 * Content whose digest or size is not the one announced, or a registry that holds other bytes than were sent:
 * nothing built on it may be pushed. Transient: the bytes usually arrive right on the next try (a proxy or link
 * that corrupted them), so the routes redeliver it like an I/O error.
 */
public final class DigestMismatchException extends TransientRegistryException {

    public DigestMismatchException(String message) {
        super(message, 0, ErrorCode.DIGEST_INVALID, null, null);
    }
}

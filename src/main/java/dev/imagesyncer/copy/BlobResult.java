package dev.imagesyncer.copy;

/**
 * What putting one blob into a target repository did: the body a {@code copy-blob} exchange ends with.
 *
 * @param kind  {@link Kind#COPIED} (streamed from the source), {@link Kind#MOUNTED} (from another repository of the
 *              target registry) or {@link Kind#PRESENT} (the repository had it)
 * @param bytes bytes uploaded: the blob's size when copied, 0 otherwise
 */
public record BlobResult(Kind kind, long bytes) {

    public enum Kind { COPIED, MOUNTED, PRESENT }

    public static final BlobResult MOUNTED = new BlobResult(Kind.MOUNTED, 0);
    public static final BlobResult PRESENT = new BlobResult(Kind.PRESENT, 0);

    public static BlobResult copied(long bytes) {
        return new BlobResult(Kind.COPIED, bytes);
    }
}

package dev.imagesyncer.copy;

/**
 * The blobs of one image copy, counted: how many were copied, mounted or already present, and the bytes
 * uploaded.
 */
public record BlobCounts(int copied, int mounted, int present, long bytes) {

    public static final BlobCounts NONE = new BlobCounts(0, 0, 0, 0);

    /** These counts and one more blob. */
    public BlobCounts plus(BlobResult blob) {
        return switch (blob.kind()) {
            case COPIED -> new BlobCounts(copied + 1, mounted, present, bytes + blob.bytes());
            case MOUNTED -> new BlobCounts(copied, mounted + 1, present, bytes);
            case PRESENT -> new BlobCounts(copied, mounted, present + 1, bytes);
        };
    }

    /** These counts and {@code other}'s. */
    public BlobCounts plus(BlobCounts other) {
        return new BlobCounts(copied + other.copied, mounted + other.mounted, present + other.present,
                bytes + other.bytes);
    }
}

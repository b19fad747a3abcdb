package dev.imagesyncer.copy;

import dev.imagesyncer.registry.Digest;
import dev.imagesyncer.registry.ImageReference;

/**
 * What copying one image to one target did.
 *
 * @param target          the target as written: with the tag, or by digest for a source given by digest
 * @param digest          the digest of the top manifest the target now has (differs from the source's for a
 *                        filtered index)
 * @param outcome         {@link #SYNCED} (something was pushed), {@link #UNCHANGED} (the target had the manifest)
 *                        or {@link #FILTERED} (no entry of the index matched the platform filter)
 * @param note            what else a user should know (a filtered index, why it was filtered); empty otherwise
 * @param blobs           the blobs copied, mounted and present, and the bytes uploaded
 * @param manifestsPushed manifests pushed: children by digest and the tag
 */
public record CopyResult(ImageReference source, ImageReference target, Digest digest, String outcome, String note,
                         BlobCounts blobs, int manifestsPushed) {

    public static final String SYNCED = "synced";
    public static final String UNCHANGED = "unchanged";
    public static final String FILTERED = "filtered";

    /** True when nothing was pushed: the outcome is unchanged or filtered. */
    public boolean pushedNothing() {
        return !SYNCED.equals(outcome);
    }

    public int blobsCopied() {
        return blobs.copied();
    }

    public int blobsMounted() {
        return blobs.mounted();
    }

    public int blobsPresent() {
        return blobs.present();
    }

    /** Blob bytes uploaded (mounted and present blobs count nothing). */
    public long bytes() {
        return blobs.bytes();
    }
}

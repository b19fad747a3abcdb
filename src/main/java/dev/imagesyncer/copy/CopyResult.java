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
 * @param manifestsPushed manifests pushed: children by digest, the tag, referrers and their tag-schema indexes
 * @param referrers       the referrers that travelled with the image ({@code --referrers})
 */
public record CopyResult(ImageReference source, ImageReference target, Digest digest, String outcome, String note,
                         BlobCounts blobs, int manifestsPushed, ReferrerCounts referrers) {

    public CopyResult {
        referrers = referrers == null ? ReferrerCounts.NONE : referrers;
    }

    /** This result with what copying the image's referrers did added. */
    public CopyResult withReferrers(ReferrerCopier.Copied copied) {
        String notes = note.isEmpty() ? copied.note() : copied.note().isEmpty() ? note : note + "; " + copied.note();
        return new CopyResult(source, target, digest, outcome, notes, blobs.plus(copied.blobs()),
                manifestsPushed + copied.manifestsPushed(), referrers.plus(copied.referrers()));
    }

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

package dev.imagesyncer.copy;

import dev.imagesyncer.registry.Digest;
import dev.imagesyncer.registry.ImageReference;

/**
 * What copying one image to one target did.
 *
 * @param digest   the digest of the top manifest the target now has (differs from the source's for a filtered
 *                 index)
 * @param skipped  true when nothing was pushed: the target already had the manifest, or no platform matched
 * @param note     why it was skipped, or what else a user should know (a filtered index); empty otherwise
 * @param bytes    blob bytes uploaded (mounted and present blobs count nothing)
 */
public record CopyResult(ImageReference source, ImageReference target, Digest digest, boolean skipped, String note,
                         int blobsCopied, int blobsMounted, int blobsPresent, int manifestsPushed, long bytes) {

    static CopyResult skipped(ImageReference source, ImageReference target, Digest digest, String note) {
        return new CopyResult(source, target, digest, true, note, 0, 0, 0, 0, 0);
    }
}

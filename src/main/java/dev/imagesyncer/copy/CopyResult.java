package dev.imagesyncer.copy;

import dev.imagesyncer.registry.Digest;
import dev.imagesyncer.registry.ImageReference;

/**
 * What copying one image did.
 *
 * @param digest   the digest of the top manifest now at the target
 * @param skipped  true when the target already had that digest under the tag and nothing was pushed
 * @param bytes    blob bytes uploaded (mounted and present blobs count nothing)
 */
public record CopyResult(ImageReference source, ImageReference target, Digest digest, boolean skipped,
                         int blobsCopied, int blobsMounted, int blobsPresent, int manifestsPushed, long bytes) {
}

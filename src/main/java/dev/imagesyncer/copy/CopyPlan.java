package dev.imagesyncer.copy;

import dev.imagesyncer.registry.Digest;
import dev.imagesyncer.registry.ImageReference;
import dev.imagesyncer.registry.Manifest;

import java.util.List;
import java.util.Objects;

/**
 * What copying one image to one target takes, found by {@link ImageCopier#plan}: the body of a {@code copy-image}
 * exchange between its steps. Either nothing ({@link #needsPush()} false: the target is up to date, or no platform
 * matched), or the blobs to put into the target, the child manifests it lacks (each after its own children) and
 * the top manifest to push under {@code targetReference}, in that order.
 *
 * @param target          where the top manifest goes: the tag, or the digest when no tag is known
 * @param digest          the digest of the top manifest
 * @param skipOutcome     {@link CopyResult#UNCHANGED} or {@link CopyResult#FILTERED} when nothing is pushed, else null
 * @param note            a remark for the user (a filtered index), or why nothing is pushed; empty otherwise
 * @param manifest        the top manifest's exact bytes, null when nothing is pushed
 * @param children        the child manifests the target lacks, in push order
 * @param blobs           the blobs the manifests refer to (foreign layers left out), each once, that this run has
 *                        not put into the target repository yet: one {@code copy-blob} exchange each
 * @param landedBlobs     the other blobs the manifests refer to: this run put them into the target repository
 *                        already (counted present)
 * @param blobCounts      what the blob copies did, once they ran
 */
public record CopyPlan(ImageReference source, ImageReference target, Digest digest, String skipOutcome,
                       String note, Manifest manifest, List<Manifest> children, List<BlobCopy> blobs,
                       List<BlobCopy> landedBlobs, BlobCounts blobCounts) {

    public CopyPlan {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        children = List.copyOf(children);
        blobs = List.copyOf(blobs);
        landedBlobs = List.copyOf(landedBlobs);
        if ((manifest == null) == (skipOutcome == null)) {
            throw new IllegalArgumentException("a plan pushes a manifest or says why not, not both");
        }
    }

    /** A plan that pushes nothing: {@code outcome} (unchanged or filtered) says why, with {@code note}. */
    public static CopyPlan nothingToPush(ImageReference source, ImageReference target, Digest digest, String outcome,
                                  String note) {
        return new CopyPlan(source, target, digest, outcome, note, null, List.of(), List.of(), List.of(),
                BlobCounts.NONE);
    }

    /** True when something is to be pushed. */
    public boolean needsPush() {
        return manifest != null;
    }

    /** This plan, with what its blob copies did. */
    public CopyPlan withBlobCounts(BlobCounts counts) {
        return new CopyPlan(source, target, digest, skipOutcome, note, manifest, children, blobs, landedBlobs,
                counts);
    }

    @Override
    public String toString() {
        return source + " -> " + target + (needsPush() ? ": " + blobs.size() + " blobs, " + (children.size() + 1)
                + " manifests" : ": " + skipOutcome);
    }
}

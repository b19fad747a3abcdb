package dev.imagesyncer.job;

import dev.imagesyncer.registry.Descriptor;
import dev.imagesyncer.registry.ImageReference;

import java.util.Objects;

/**
 * One source image to copy to one destination, its source already read once (HEAD): the body a
 * {@code copy-image} exchange starts with.
 *
 * @param source      the source image as in its {@link ImageJob}
 * @param destination one destination of that job
 * @param sourceHead  the source's HEAD answer: digest, media type, size in bytes; null when {@code existing} is set
 * @param options     how it is copied
 * @param existing    with skipExisting, the destination's HEAD answer for a tag it already has: nothing is copied
 *                    and the source is not read; null otherwise
 */
public record CopyJob(String source, String destination, Descriptor sourceHead, JobOptions options,
                      Descriptor existing) {

    public CopyJob {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        if ((sourceHead == null) == (existing == null)) {
            throw new IllegalArgumentException("a copy job has the source's HEAD answer, or the destination's "
                    + "that skipExisting found, not both");
        }
    }

    /** A job to copy {@code source}, read as {@code sourceHead}, to {@code destination}. */
    public CopyJob(String source, String destination, Descriptor sourceHead, JobOptions options) {
        this(source, destination, sourceHead, options, null);
    }

    /**
     * The destination with the tag it is written under: its own, else the source's (null for a copy by digest).
     */
    public ImageReference destinationTagged() {
        return tagged(source, destination);
    }

    /** {@code destination} with the tag it is written under when {@code source} is copied there. */
    public static ImageReference tagged(String source, String destination) {
        ImageReference target = ImageReference.parse(destination);
        String tag = target.tag() != null ? target.tag() : ImageReference.parse(source).tag();
        return tag == null || target.digest() != null ? target : target.withTag(tag);
    }

    public ImageReference sourceReference() {
        return ImageReference.parse(source);
    }

    public ImageReference destinationReference() {
        return ImageReference.parse(destination);
    }

    @Override
    public String toString() {
        return source + " -> " + destination;
    }
}

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
 * @param sourceHead  the source's HEAD answer: digest, media type, size in bytes
 * @param options     how it is copied
 */
public record CopyJob(String source, String destination, Descriptor sourceHead, JobOptions options) {

    public CopyJob {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(sourceHead, "sourceHead");
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

package dev.imagesyncer.config;

import dev.imagesyncer.registry.ImageReference;

import java.util.List;
import java.util.Objects;

/** One source image (a tag or a digest) and every image it is copied to. */
public record ImageCopyJob(ImageReference source, List<ImageReference> targets) {

    public ImageCopyJob {
        Objects.requireNonNull(source, "source");
        targets = List.copyOf(targets);
    }

    @Override
    public String toString() {
        return source + " -> " + targets;
    }
}

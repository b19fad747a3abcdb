package dev.imagesyncer.pipeline;

import dev.imagesyncer.registry.Descriptor;
import dev.imagesyncer.registry.ImageReference;

/** One source image, already HEADed, to be copied to one destination. */
public record CopyTask(ImageReference source, Descriptor sourceHead, ImageReference target) {
}

package dev.imagesyncer.job;

import dev.imagesyncer.registry.ImageReference;

import java.util.List;
import java.util.Objects;

/**
 * One source image and every destination it is copied to: the body of a {@code sync-image} exchange. Immutable
 * and plain (strings, numbers, lists), so that it converts to JSON and back with camel-jackson
 * ({@code marshal: {json: {library: Jackson}}}) and can travel through a message queue. What the copy needs at
 * run time (registry client, blob ledger, counters) is looked up by {@code runId}, never carried here.
 *
 * @param runId        the run it belongs to; the routes put it in the header {@code ImageSyncerRunId}
 * @param rule         the number of the images-file rule it comes from, from 1, for messages
 * @param source       the source image, {@code registry/repository:tag} or {@code registry/repository@digest}
 * @param destinations where it goes, each {@code registry/repository[:tag]} (without a tag: the source's)
 * @param options      how it is copied
 */
public record ImageJob(String runId, int rule, String source, List<String> destinations, JobOptions options) {

    public ImageJob {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(source, "source");
        destinations = List.copyOf(destinations);
        options = options == null ? JobOptions.DEFAULT : options;
    }

    /** The source, parsed. */
    public ImageReference sourceReference() {
        return ImageReference.parse(source);
    }

    @Override
    public String toString() {
        return source + " -> " + destinations;
    }
}

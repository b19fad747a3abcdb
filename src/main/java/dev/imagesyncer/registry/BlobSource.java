package dev.imagesyncer.registry;

/**
 * Opens the content of a blob when an upload needs it: a mount may make the download unnecessary, a retried
 * upload needs a fresh stream, never the half-read one, and a resumed upload needs the rest from an offset.
 */
@FunctionalInterface
public interface BlobSource {

    /** The content from byte {@code offset} on (0: all of it). */
    BlobStream open(long offset);
}

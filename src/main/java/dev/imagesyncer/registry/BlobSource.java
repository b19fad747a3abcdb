package dev.imagesyncer.registry;

/**
 * Opens the content of a blob when an upload needs it: a mount may make the download unnecessary, and a retried
 * upload needs a fresh stream, never the half-read one.
 */
@FunctionalInterface
public interface BlobSource {
    BlobStream open();
}

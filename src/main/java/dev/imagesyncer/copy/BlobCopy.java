package dev.imagesyncer.copy;

import dev.imagesyncer.registry.Descriptor;
import dev.imagesyncer.registry.Repository;

import java.util.Objects;

/**
 * One blob to put into a target repository: the body of a {@code copy-blob} exchange.
 *
 * @param from the source repository it is read from (or mounted from, in the same registry)
 * @param to   the target repository
 * @param blob the blob's descriptor as the manifest gives it (media type, digest, size in bytes)
 */
public record BlobCopy(Repository from, Repository to, Descriptor blob) {

    public BlobCopy {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(blob, "blob");
    }

    /** The blob's digest, {@code sha256:...}: the header {@code ImageSyncerDigest}. */
    public String digest() {
        return blob.digest().toString();
    }

    /** The blob's size in bytes as announced by its manifest (-1 when it does not say): {@code ImageSyncerSize}. */
    public long size() {
        return blob.size();
    }

    @Override
    public String toString() {
        return "blob " + blob.digest() + " " + from + " -> " + to;
    }
}

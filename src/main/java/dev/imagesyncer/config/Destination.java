package dev.imagesyncer.config;

import dev.imagesyncer.registry.Digest;
import dev.imagesyncer.registry.Repository;

import java.util.List;
import java.util.Objects;

/**
 * Where a rule copies to. {@code tags} empty keeps the source's tag (or digest); otherwise the source's tags are
 * renamed to these, left to right. {@code digest}, when set, equals the source digest (checked when loading).
 */
public record Destination(Repository repository, List<String> tags, Digest digest) {

    public Destination {
        Objects.requireNonNull(repository, "repository");
        tags = List.copyOf(tags);
    }

    public boolean keepsSourceTags() {
        return tags.isEmpty();
    }

    /** As it would be written in an images file: {@code registry/path[:t1,t2][@digest]}. */
    @Override
    public String toString() {
        return repository + (tags.isEmpty() ? "" : ":" + String.join(",", tags)) + (digest == null ? "" : "@" + digest);
    }
}

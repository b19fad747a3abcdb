package dev.imagesyncer.registry;

/** How a blob reached the target: mounted from another repository, or uploaded with {@code bytes} sent. */
public record BlobPushResult(boolean mounted, long bytes) {
}

package dev.imagesyncer.report;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The outcome of one sync run. Images are counted per source and destination pair.
 *
 * @param succeededImages source to the destinations that now hold it, in the images-file shape
 * @param failedImages    source to the destinations it did not reach, in the images-file shape
 * @param retries         redeliveries after transient errors
 * @param rateLimited     how many of them followed a 429 answer
 * @param images          every image and destination, in the order they finished
 */
public record SyncSummary(String runId, Instant started, Instant finished, int imagesSynced, int imagesSkipped,
                          int imagesFailed, int blobsCopied, int blobsMounted, int blobsSkipped, int manifestsPushed,
                          long bytes, int retries, int rateLimited, Duration duration, Map<String, List<String>> succeededImages,
                          Map<String, List<String>> failedImages, List<ImageOutcome> images,
                          boolean interrupted) {

    public double mibPerSecond() {
        double seconds = duration.toNanos() / 1e9;
        return seconds <= 0 ? 0 : bytes / 1048576.0 / seconds;
    }

    public boolean hasFailures() {
        return imagesFailed > 0;
    }

    /** {@code interrupted}, {@code failed} or {@code succeeded}. */
    public String status() {
        return interrupted ? "interrupted" : hasFailures() ? "failed" : "succeeded";
    }

    /** The closing line a user reads first. */
    public String line() {
        return String.format("%s: %d images synced, %d skipped, %d failed; blobs: %d copied, %d mounted, "
                        + "%d skipped; %d manifests pushed; %s in %.1f s (%.1f MiB/s); %d retries, %d rate-limited (429)",
                interrupted ? "Sync interrupted" : "Sync finished", imagesSynced, imagesSkipped, imagesFailed,
                blobsCopied, blobsMounted, blobsSkipped, manifestsPushed, Sizes.human(bytes),
                duration.toMillis() / 1000.0, mibPerSecond(), retries, rateLimited);
    }
}

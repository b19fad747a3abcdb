package dev.imagesyncer.report;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The outcome of one sync run. Images are counted per source and destination pair.
 *
 * @param status    {@link #SUCCEEDED}, {@link #PARTIAL}, {@link #FAILED} or {@link #INTERRUPTED}
 * @param images    how many pairs ended with each outcome
 * @param transfers blobs, manifests, bytes and retries
 * @param outcomes  every image and destination, in the order they finished
 * @param reason    why a run failed before it could copy anything (a bad file), or why an interrupted run did not
 *                  wait for the images in progress (the stop timeout passed), in one line; empty otherwise
 * @param prune     what {@code --prune} did; {@link PruneCounts#NONE} without it
 */
public record RunSummary(String runId, Instant started, Instant finished, String status, ImageCounts images,
                         TransferCounts transfers, List<ImageOutcome> outcomes, String reason, PruneCounts prune) {

    /**
     * What {@code --prune} did (in a dry run: would do).
     *
     * @param active     the run pruned (or planned to)
     * @param deleted    tags deleted (each an outcome {@code pruned})
     * @param stale      tags that left the source but stay (their digest is still needed)
     * @param notDeleted tags whose deletion failed (a registry that does not delete, an error)
     * @param refused    why nothing was pruned (more than {@code --prune-max}, a destination that could not be
     *                   read), or empty
     */
    public record PruneCounts(boolean active, int deleted, int stale, int notDeleted, String refused) {
        public static final PruneCounts NONE = new PruneCounts(false, 0, 0, 0, "");
    }

    /** Nothing failed. */
    public static final String SUCCEEDED = "succeeded";
    /** Some images failed, others synced or were unchanged. */
    public static final String PARTIAL = "partial";
    /** Images failed and none synced or was unchanged (nothing could start: bad files, a registry down). */
    public static final String FAILED = "failed";
    /** Stopped before every image finished (SIGTERM, Ctrl-C). */
    public static final String INTERRUPTED = "interrupted";
    /** A dry run ({@code --dry-run}): the plan, nothing written. */
    public static final String DRY_RUN = "dry-run";

    /** How many image and destination pairs ended with each outcome of {@link ImageOutcome#WORDS}. */
    public record ImageCounts(int synced, int unchanged, int failed, int filtered, int notStarted, int stopped,
                              int planned, int pruned) {
    }

    /**
     * @param blobsPresent blobs the destination already had
     * @param bytes        blob bytes uploaded
     * @param retries      redeliveries (and in-session resumes of a chunk) after transient errors
     * @param rateLimited  how many of them followed a 429 answer
     * @param referrersCopied  referrers pushed ({@code --referrers}; cosign's tags among them)
     * @param referrersPresent referrers the destination already had
     * @param referrersSkipped referrers left out by {@code --artifact-type}, or of an index the platform filter
     *                         rewrote
     */
    public record TransferCounts(int blobsCopied, int blobsMounted, int blobsPresent, int manifestsPushed,
                                 long bytes, int retries, int rateLimited, int referrersCopied,
                                 int referrersPresent, int referrersSkipped) {

        /** Nothing transferred. */
        public static final TransferCounts NONE = new TransferCounts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

        /** What one copy ({@code result}) transferred: its blobs, manifests, bytes and referrers; no retries. */
        public static TransferCounts of(dev.imagesyncer.copy.CopyResult result) {
            return new TransferCounts(result.blobsCopied(), result.blobsMounted(), result.blobsPresent(),
                    result.manifestsPushed(), result.bytes(), 0, 0, result.referrers().copied(),
                    result.referrers().present(), result.referrers().skipped());
        }

        /** True when the run met referrers ({@code --referrers}). */
        public boolean anyReferrers() {
            return referrersCopied + referrersPresent + referrersSkipped > 0;
        }
    }

    public RunSummary {
        outcomes = List.copyOf(outcomes);
        reason = reason == null ? "" : reason;
        prune = prune == null ? PruneCounts.NONE : prune;
    }

    /** A run that could not start copying: status failed, nothing counted, {@code reason} said. */
    public static RunSummary failedToStart(String runId, Instant started, Instant finished, String reason) {
        return new RunSummary(runId, started, finished, FAILED, new ImageCounts(0, 0, 0, 0, 0, 0, 0, 0),
                new TransferCounts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0), List.of(), reason, PruneCounts.NONE);
    }

    public Duration duration() {
        return Duration.between(started, finished);
    }

    public int imagesSynced() {
        return images.synced();
    }

    public int imagesFailed() {
        return images.failed();
    }

    public double mibPerSecond() {
        double seconds = duration().toNanos() / 1e9;
        return seconds <= 0 ? 0 : transfers.bytes() / 1048576.0 / seconds;
    }

    /** True when an image failed, or the run failed before it could copy anything. */
    public boolean hasFailures() {
        return images.failed() > 0 || failedToStart();
    }

    /** True when the run failed before it could copy anything ({@link #reason()} says why: a bad file). */
    public boolean failedToStart() {
        return !reason.isEmpty() && !INTERRUPTED.equals(status);
    }

    /** Source to the destinations it was synced to in this run, in the images-file shape. */
    public Map<String, List<String>> succeededImages() {
        return byResult(outcome -> outcome.result().equals(ImageOutcome.SYNCED));
    }

    /** Source to the destinations it did not reach because they failed, in the images-file shape. */
    public Map<String, List<String>> failedImages() {
        return byResult(outcome -> outcome.result().equals(ImageOutcome.FAILED));
    }

    private Map<String, List<String>> byResult(Predicate<ImageOutcome> wanted) {
        Map<String, List<String>> images = new LinkedHashMap<>();
        outcomes.stream().filter(wanted).forEach(outcome ->
                images.computeIfAbsent(outcome.source(), source -> new java.util.ArrayList<>()).add(outcome.destination()));
        images.replaceAll((source, destinations) -> List.copyOf(destinations));
        return images;
    }

    /**
     * The closing line a user reads first. An interrupted run also counts the images it stopped in the middle
     * of ({@code N stopped}), and says why when it did not wait for them ({@code reason}).
     */
    public String line() {
        if (failedToStart()) {
            return String.format("Sync finished (%s): %s", status, reason);
        }
        if (DRY_RUN.equals(status)) {
            return String.format("Dry run (nothing written): %s to copy, %d unchanged, %d failed, %d filtered; "
                            + "blobs: %d to copy (%s), %d to mount, %d present; %s to push; read in %.1f s",
                    count(images.planned(), "image", "images"), images.unchanged(), images.failed(),
                    images.filtered(), transfers.blobsCopied(), Sizes.human(transfers.bytes()),
                    transfers.blobsMounted(), transfers.blobsPresent(),
                    count(transfers.manifestsPushed(), "manifest", "manifests"), duration().toMillis() / 1000.0)
                    + pruneText("to delete");
        }
        String stopped = INTERRUPTED.equals(status) ? ", " + images.stopped() + " stopped" : "";
        return String.format("Sync finished (%s): %s synced, %d unchanged, %d failed, %d filtered, "
                        + "%d not started%s; blobs: %d copied, %d mounted, %d present; %s pushed; %s"
                        + "%s in %.1f s (%.1f MiB/s); %s, %d rate-limited (429)%s",
                status, count(images.synced(), "image", "images"), images.unchanged(), images.failed(),
                images.filtered(), images.notStarted(), stopped, transfers.blobsCopied(), transfers.blobsMounted(),
                transfers.blobsPresent(), count(transfers.manifestsPushed(), "manifest", "manifests"),
                !transfers.anyReferrers() ? "" : String.format("referrers: %d copied, %d present, %d skipped; ",
                        transfers.referrersCopied(), transfers.referrersPresent(), transfers.referrersSkipped()),
                Sizes.human(transfers.bytes()), duration().toMillis() / 1000.0, mibPerSecond(),
                count(transfers.retries(), "retry", "retries"), transfers.rateLimited(),
                reason.isEmpty() ? "" : "; " + reason) + pruneText("deleted");
    }

    /** {@code ; prune: 3 tags deleted, 1 stale, 0 not deleted}, or why nothing was pruned; empty without prune. */
    private String pruneText(String done) {
        if (!prune.active()) {
            return "";
        }
        if (!prune.refused().isEmpty()) {
            return "; prune: nothing deleted: " + prune.refused();
        }
        return String.format("; prune: %s %s, %d stale, %d not deleted", count(prune.deleted(), "tag", "tags"), done,
                prune.stale(), prune.notDeleted());
    }

    private static String count(int n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }
}

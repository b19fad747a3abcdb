package dev.imagesyncer.report;

import dev.imagesyncer.copy.CopyResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the outcome of every copy of one run, from many threads, and prints a progress line for each:
 * {@code [n/N] source -> destination  digest  bytes  seconds}, or why it was skipped or failed.
 */
public final class SyncReport {

    /** Progress and the summary go to this logger, which the logging set-up always sends to the terminal. */
    private static final Logger PROGRESS = LoggerFactory.getLogger("dev.imagesyncer.progress");

    private final Clock clock;
    private final Instant started;
    private int planned;
    private int done;
    private int synced;
    private int skipped;
    private int failed;
    private int blobsCopied;
    private int blobsMounted;
    private int blobsSkipped;
    private int manifestsPushed;
    private long bytes;
    private int retries;
    private int rateLimited;
    private boolean interrupted;
    private final List<ImageOutcome> outcomes = new ArrayList<>();
    private final Map<String, List<String>> succeededImages = new LinkedHashMap<>();
    private final Map<String, List<String>> failedImages = new LinkedHashMap<>();

    public SyncReport(Clock clock) {
        this.clock = clock;
        this.started = clock.instant();
    }

    /** Copies are planned as tags are listed, so the total grows before the copies start. */
    public synchronized void planned(int copies) {
        planned += copies;
    }

    public synchronized ImageOutcome copied(CopyResult result, Duration took, int attempts) {
        done++;
        blobsCopied += result.blobsCopied();
        blobsMounted += result.blobsMounted();
        blobsSkipped += result.blobsPresent();
        manifestsPushed += result.manifestsPushed();
        bytes += result.bytes();
        String pair = result.source() + " -> " + result.target();
        double seconds = took.toMillis() / 1000.0;
        ImageOutcome outcome = new ImageOutcome(result.source().toString(), result.target().toString(),
                result.skipped() ? ImageOutcome.SKIPPED : ImageOutcome.SYNCED, result.digest().toString(),
                result.bytes(), seconds, attempts, result.note());
        outcomes.add(outcome);
        if (result.skipped()) {
            skipped++;
            PROGRESS.info("[{}/{}] {}  skipped: {}", done, planned, pair, result.note());
            return outcome;
        }
        synced++;
        succeededImages.computeIfAbsent(outcome.source(), s -> new ArrayList<>()).add(outcome.destination());
        PROGRESS.info("[{}/{}] {}  {}  {}  {}{}", done, planned, pair, result.digest(), Sizes.human(result.bytes()),
                String.format("%.1f s", seconds), result.note().isEmpty() ? "" : "  (" + result.note() + ")");
        return outcome;
    }

    /**
     * A copy that failed for good, to each of {@code destinations} (a source that could not be read fails every
     * destination at once).
     */
    public synchronized List<ImageOutcome> failed(String source, List<String> destinations, String reason,
                                                  int attempts) {
        List<ImageOutcome> failedNow = new ArrayList<>();
        for (String destination : destinations) {
            done++;
            failed++;
            failedImages.computeIfAbsent(source, s -> new ArrayList<>()).add(destination);
            ImageOutcome outcome = new ImageOutcome(source, destination, ImageOutcome.FAILED, "", 0, 0, attempts,
                    reason);
            outcomes.add(outcome);
            failedNow.add(outcome);
            PROGRESS.warn("[{}/{}] {} -> {}  failed: {}", done, planned, source, destination, reason);
        }
        return failedNow;
    }

    /** A rule whose tags could not be listed: its copies were never planned, but they count as failed. */
    public synchronized List<ImageOutcome> ruleFailed(String source, List<String> destinations, String reason,
                                                      int attempts) {
        planned += destinations.size();
        return failed(source, destinations, reason, attempts);
    }

    /** A redelivery after a transient error; {@code rateLimitedAnswer} when the registry answered 429. */
    public synchronized void retried(boolean rateLimitedAnswer) {
        retries++;
        if (rateLimitedAnswer) {
            rateLimited++;
        }
    }

    public synchronized void interrupted() {
        interrupted = true;
    }

    public synchronized boolean isInterrupted() {
        return interrupted;
    }

    public synchronized SyncSummary summary(String runId) {
        Instant finished = clock.instant();
        return new SyncSummary(runId, started, finished, synced, skipped, failed, blobsCopied, blobsMounted,
                blobsSkipped, manifestsPushed, bytes, retries, rateLimited, Duration.between(started, finished),
                copy(succeededImages), copy(failedImages), List.copyOf(outcomes), interrupted);
    }

    private static Map<String, List<String>> copy(Map<String, List<String>> images) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        images.forEach((source, targets) -> copy.put(source, List.copyOf(targets)));
        return copy;
    }
}

package dev.imagesyncer.report;

import dev.imagesyncer.copy.CopyResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Collects the outcome of every image and destination of one run (exactly one each: the first), from many
 * threads, and prints a progress line for each: {@code [n/N] source -> destination  digest  bytes  seconds}, or its outcome word and why. The pairs a
 * run planned and that ended without an outcome are closed at the end as {@code filtered} (a route step dropped
 * them) or, once the run was interrupted, {@code not-started}.
 */
public final class RunTally {

    /** Progress and the summary go to this logger, which the logging set-up always sends to the terminal. */
    private static final Logger PROGRESS = LoggerFactory.getLogger("dev.imagesyncer.progress");
    private static final Logger LOG = LoggerFactory.getLogger(RunTally.class);

    private final Clock clock;
    private final Instant started;
    private final Set<Pair> planned = new LinkedHashSet<>();
    private final Set<Pair> ended = new LinkedHashSet<>();
    private final List<ImageOutcome> outcomes = new ArrayList<>();
    private int total;
    private int blobsCopied;
    private int blobsMounted;
    private int blobsPresent;
    private int manifestsPushed;
    private long bytes;
    private int retries;
    private int rateLimited;
    private boolean interrupted;

    public RunTally(Clock clock) {
        this.clock = clock;
        this.started = clock.instant();
    }

    /** The image and destination pairs the run is about to copy, each {@code source -> destination}. */
    public synchronized void planned(List<String> sources, List<List<String>> destinations) {
        for (int i = 0; i < sources.size(); i++) {
            for (String destination : destinations.get(i)) {
                if (planned.add(new Pair(sources.get(i), destination))) {
                    total++;
                }
            }
        }
    }

    /**
     * A copy of {@code source} to {@code destination} (as its job names them) that ended: synced, unchanged, or
     * filtered by the platform filter.
     */
    public synchronized ImageOutcome copied(String source, String destination, CopyResult result, double seconds,
                                            int attempts) {
        blobsCopied += result.blobsCopied();
        blobsMounted += result.blobsMounted();
        blobsPresent += result.blobsPresent();
        manifestsPushed += result.manifestsPushed();
        bytes += result.bytes();
        ImageOutcome outcome = new ImageOutcome(source, destination, result.outcome(), result.digest().toString(),
                result.bytes(), seconds, attempts, result.note());
        int done = end(outcome, source, destination);
        if (result.pushedNothing()) {
            PROGRESS.info("[{}/{}] {} -> {}  {}: {}", done, total, source, destination, result.outcome(), result.note());
        } else {
            PROGRESS.info("[{}/{}] {} -> {}  {}  {}  {}{}", done, total, source, destination, result.digest(),
                    Sizes.human(result.bytes()), String.format("%.1f s", seconds),
                    result.note().isEmpty() ? "" : "  (" + result.note() + ")");
        }
        return outcome;
    }

    /**
     * A copy that failed for good, to each of {@code destinations} (a source that cannot be read fails them all).
     * A pair that already has an outcome keeps it (a step after the outcome failed, e.g. sending its event): that
     * failure is logged, not counted again. Returns the outcomes added.
     */
    public synchronized List<ImageOutcome> failed(String source, List<String> destinations, String reason,
                                                  int attempts) {
        List<ImageOutcome> failedNow = new ArrayList<>();
        for (String destination : destinations) {
            if (ended.contains(new Pair(source, destination))) {
                LOG.warn("{} -> {}: a step after its outcome failed: {}", source, destination, reason);
                continue;
            }
            if (!planned.contains(new Pair(source, destination))) {
                total++; // a rule whose tags could not be listed: its copies were never planned
            }
            ImageOutcome outcome = new ImageOutcome(source, destination, ImageOutcome.FAILED, "", 0, 0, attempts,
                    reason);
            int done = end(outcome, source, destination);
            failedNow.add(outcome);
            PROGRESS.warn("[{}/{}] {} -> {}  failed: {}", done, total, source, destination, reason);
        }
        return failedNow;
    }

    /**
     * Closes every planned pair that has no outcome: {@code not-started} when the run was interrupted, else
     * {@code filtered} (a route step ended its exchange). Returns the outcomes it added.
     */
    public synchronized List<ImageOutcome> closeUnaccounted() {
        List<ImageOutcome> closed = new ArrayList<>();
        for (Pair pair : List.copyOf(planned)) {
            if (ended.contains(pair)) {
                continue;
            }
            String source = pair.source();
            String destination = pair.destination();
            String result = interrupted ? ImageOutcome.NOT_STARTED : ImageOutcome.FILTERED;
            String detail = interrupted ? "the run was interrupted before it started"
                    : "a route step ended its exchange";
            ImageOutcome outcome = new ImageOutcome(source, destination, result, "", 0, 0, 0, detail);
            int done = end(outcome, source, destination);
            PROGRESS.info("[{}/{}] {} -> {}  {}: {}", done, total, source, destination, result, detail);
            closed.add(outcome);
        }
        return closed;
    }

    /** A retry after a transient error; {@code rateLimitedAnswer} when the registry answered 429. */
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

    public synchronized RunSummary summary(String runId) {
        int[] counts = new int[ImageOutcome.WORDS.size()];
        outcomes.forEach(outcome -> counts[ImageOutcome.WORDS.indexOf(outcome.result())]++);
        RunSummary.ImageCounts images = new RunSummary.ImageCounts(counts[0], counts[1], counts[2], counts[3],
                counts[4]);
        String status = interrupted ? RunSummary.INTERRUPTED
                : images.failed() == 0 ? RunSummary.SUCCEEDED
                : images.synced() + images.unchanged() > 0 ? RunSummary.PARTIAL : RunSummary.FAILED;
        return new RunSummary(runId, started, clock.instant(), status, images,
                new RunSummary.TransferCounts(blobsCopied, blobsMounted, blobsPresent, manifestsPushed, bytes,
                        retries, rateLimited), outcomes, "");
    }

    /** Records an outcome; returns how many pairs have ended so far. */
    private int end(ImageOutcome outcome, String source, String destination) {
        if (ended.add(new Pair(source, destination))) {
            outcomes.add(outcome);
        }
        return outcomes.size();
    }

    /** One image and one destination, as their job names them. */
    private record Pair(String source, String destination) {
    }
}

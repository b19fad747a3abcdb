package dev.imagesyncer.report;

import dev.imagesyncer.copy.CopyResult;
import dev.imagesyncer.copy.ReferrerCounts;
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
 * threads, and prints a progress line for each: {@code [n/N] source -> destination  digest  bytes  seconds}, or
 * its outcome word and why. The pairs a run planned and that ended without an outcome are closed at the end as
 * {@code filtered} (a route step dropped them) or, once the run was interrupted, {@code not-started} (or
 * {@code stopped}, for those that had started).
 */
public final class RunTally {

    /** Progress and the summary go to this logger, which the logging set-up always sends to the terminal. */
    private static final Logger PROGRESS = LoggerFactory.getLogger("dev.imagesyncer.progress");
    private static final Logger LOG = LoggerFactory.getLogger(RunTally.class);

    private final Clock clock;
    private final Instant startedAt;
    private final Set<Pair> planned = new LinkedHashSet<>();
    private final Set<Pair> started = new LinkedHashSet<>();
    private final Set<Pair> ended = new LinkedHashSet<>();
    /** Cluster mode: the pairs sent to the job queue, for other instances (or this one) to copy. */
    private final Set<Pair> dispatched = new LinkedHashSet<>();
    private Instant firstDispatched;
    private final List<ImageOutcome> outcomes = new ArrayList<>();
    private int total;
    private int blobsCopied;
    private int blobsMounted;
    private int blobsPresent;
    private int manifestsPushed;
    private ReferrerCounts referrers = ReferrerCounts.NONE;
    private long bytes;
    private int retries;
    private int rateLimited;
    private boolean interrupted;
    private boolean dryRun;
    private boolean pruning;
    private int pruned;
    private int pruneStale;
    private int pruneNotDeleted;
    private String pruneRefused = "";
    private String abandoned = "";
    private String failedBeforeCopying = "";

    public RunTally(Clock clock) {
        this.clock = clock;
        this.startedAt = clock.instant();
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

    /** The copy of {@code source} to {@code destination} has started: if the run is stopped now, it is stopped. */
    public synchronized void started(String source, String destination) {
        started.add(new Pair(source, destination));
    }

    /**
     * A copy of {@code source} to {@code destination} (as its job names them) that ended: synced, unchanged, or
     * filtered by the platform filter.
     */
    public synchronized ImageOutcome copied(String source, String destination, CopyResult result, double seconds,
                                            int attempts) {
        if (!ended.contains(new Pair(source, destination))) {
            count(result); // a job delivered twice (an instance died after its outcome) is counted once
        }
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
     * A copy of {@code source} to each of {@code destinations} that the run's stop ended before its manifest was
     * pushed ({@code stopped}); {@code reason} says where its uploads stopped. Returns the outcomes added.
     */
    public synchronized List<ImageOutcome> stopped(String source, List<String> destinations, String reason) {
        List<ImageOutcome> stoppedNow = new ArrayList<>();
        for (String destination : destinations) {
            if (ended.contains(new Pair(source, destination))) {
                continue;
            }
            ImageOutcome outcome = new ImageOutcome(source, destination, ImageOutcome.STOPPED, "", 0, 0, 1, reason);
            int done = end(outcome, source, destination);
            stoppedNow.add(outcome);
            PROGRESS.info("[{}/{}] {} -> {}  stopped: {}", done, total, source, destination, reason);
        }
        return stoppedNow;
    }

    /**
     * The copies into a destination that could not be made whole after them ({@code destination} true: an archive
     * that could not be written to its final name): each {@code synced} or {@code unchanged} outcome of one becomes
     * {@code failed} with {@code reason}. Returns how many changed.
     */
    public synchronized int undelivered(java.util.function.Predicate<String> destination, String reason) {
        int changed = 0;
        for (int i = 0; i < outcomes.size(); i++) {
            ImageOutcome outcome = outcomes.get(i);
            if (destination.test(outcome.destination()) && (outcome.result().equals(ImageOutcome.SYNCED)
                    || outcome.result().equals(ImageOutcome.UNCHANGED))) {
                outcomes.set(i, new ImageOutcome(outcome.source(), outcome.destination(), ImageOutcome.FAILED, "",
                        outcome.bytes(), outcome.seconds(), outcome.attempts(), reason));
                changed++;
            }
        }
        return changed;
    }

    /**
     * Closes every planned pair that has no outcome: {@code not-started} when the run was interrupted, else
     * {@code filtered} (a route step ended its exchange). Returns the outcomes it added.
     */
    public synchronized List<ImageOutcome> closeUnaccounted() {
        return close(interrupted ? "the run was interrupted before it started" : "a route step ended its exchange");
    }

    /**
     * Ends an interrupted run without waiting for the copies still going (the stop timeout passed): those that
     * started are {@code stopped}, with their uploads abandoned, the others {@code not-started}; {@code reason}
     * becomes the summary's. Returns the outcomes it added.
     */
    public synchronized List<ImageOutcome> abandon(String reason) {
        interrupted = true;
        abandoned = reason;
        return close("the run was interrupted before it started");
    }

    private List<ImageOutcome> close(String notStartedDetail) {
        List<ImageOutcome> closed = new ArrayList<>();
        for (Pair pair : List.copyOf(planned)) {
            if (ended.contains(pair)) {
                continue;
            }
            String source = pair.source();
            String destination = pair.destination();
            boolean inFlight = interrupted && started.contains(pair);
            String result = inFlight ? ImageOutcome.STOPPED
                    : interrupted ? ImageOutcome.NOT_STARTED : ImageOutcome.FILTERED;
            String detail = !inFlight ? notStartedDetail : abandoned.isEmpty()
                    ? "the run was interrupted in the middle of its copy"
                    : "abandoned in the middle of its copy: " + abandoned;
            ImageOutcome outcome = new ImageOutcome(source, destination, result, "", 0, 0, 0, detail);
            int done = end(outcome, source, destination);
            PROGRESS.info("[{}/{}] {} -> {}  {}: {}", done, total, source, destination, result, detail);
            closed.add(outcome);
        }
        return closed;
    }

    /**
     * What a dry run would do with {@code source} to {@code destination}: copy ({@code planned}, with the blobs
     * it would copy, mount or find present, and the manifests it would push), or nothing ({@code result}'s
     * outcome: unchanged, filtered). Nothing was written.
     */
    public synchronized ImageOutcome planned(String source, String destination, CopyResult result) {
        dryRun = true;
        count(result);
        boolean copies = !result.pushedNothing();
        String detail = copies ? String.format("would copy %d blobs (%s), mount %d, find %d present; push %s",
                result.blobsCopied(), Sizes.human(result.bytes()), result.blobsMounted(), result.blobsPresent(),
                result.manifestsPushed() == 1 ? "1 manifest" : result.manifestsPushed() + " manifests")
                + (result.note().isEmpty() ? "" : "; " + result.note()) : result.note();
        ImageOutcome outcome = new ImageOutcome(source, destination, copies ? ImageOutcome.PLANNED : result.outcome(),
                result.digest().toString(), result.bytes(), 0, 1, detail);
        int done = end(outcome, source, destination);
        PROGRESS.info("[{}/{}] {} -> {}  {}: {}", done, total, source, destination, outcome.result(), detail);
        return outcome;
    }

    /**
     * Cluster mode: the copy of {@code source} to {@code destination} went to the job queue; the run waits for its
     * outcome ({@link #awaiting()}), which comes back from whichever instance copies it ({@link #received}).
     */
    public synchronized void dispatched(String source, String destination) {
        if (firstDispatched == null) {
            firstDispatched = clock.instant();
        }
        dispatched.add(new Pair(source, destination));
    }

    /**
     * Cluster mode: the copies sent to the job queue that have no outcome yet, as {@code source -> destination}
     * pairs (two-element lists).
     */
    public synchronized List<List<String>> unanswered() {
        return dispatched.stream().filter(pair -> !ended.contains(pair))
                .map(pair -> List.of(pair.source(), pair.destination())).toList();
    }

    /** Cluster mode: how many copies went to the job queue. */
    public synchronized int dispatchedCount() {
        return dispatched.size();
    }

    /** Cluster mode: when the first copy went to the job queue; null when none did. */
    public synchronized Instant firstDispatched() {
        return firstDispatched;
    }

    /** Cluster mode: how many copies sent to the job queue have no outcome yet. */
    public synchronized int awaiting() {
        return (int) dispatched.stream().filter(pair -> !ended.contains(pair)).count();
    }

    /**
     * Cluster mode: the outcome of a copy another instance made ({@code node}), with what it transferred
     * ({@code counts}); returns it, or null when the pair already has one (a job delivered twice, after an
     * instance died holding it, is recorded once).
     */
    public synchronized ImageOutcome received(ImageOutcome outcome, RunSummary.TransferCounts counts, String node) {
        String source = outcome.source();
        String destination = outcome.destination();
        if (ended.contains(new Pair(source, destination))) {
            LOG.debug("{} -> {}: a second outcome ({}, from {}) is ignored", source, destination, outcome.result(),
                    node);
            return null;
        }
        if (!planned.contains(new Pair(source, destination))) {
            total++;
        }
        count(counts);
        int done = end(outcome, source, destination);
        if (ImageOutcome.SYNCED.equals(outcome.result())) {
            PROGRESS.info("[{}/{}] {} -> {}  {}  {}  {}  (on {})", done, total, source, destination, outcome.digest(),
                    Sizes.human(outcome.bytes()), String.format("%.1f s", outcome.seconds()), node);
        } else if (ImageOutcome.FAILED.equals(outcome.result())) {
            PROGRESS.warn("[{}/{}] {} -> {}  failed on {}: {}", done, total, source, destination, node,
                    outcome.detail());
        } else {
            PROGRESS.info("[{}/{}] {} -> {}  {} on {}: {}", done, total, source, destination, outcome.result(), node,
                    outcome.detail());
        }
        return outcome;
    }

    /** The outcomes so far, in the order they ended. */
    public synchronized List<ImageOutcome> outcomes() {
        return List.copyOf(outcomes);
    }

    /** The run prunes (or, dry, plans to): its summary says how many tags. */
    public synchronized void pruning() {
        pruning = true;
    }

    /**
     * A destination tag that left the source and was deleted (in a dry run: is to be deleted), for the rule
     * {@code rule}; {@code digest} the manifest deleted with it.
     */
    public synchronized ImageOutcome pruned(String rule, String tag, String digest) {
        pruned++;
        String detail = (dryRun ? "would be deleted" : "deleted") + ": no rule selects it any more (" + digest + ")";
        ImageOutcome outcome = new ImageOutcome(rule, tag, ImageOutcome.PRUNED, digest, 0, 0, 1, detail);
        end(outcome, rule, tag);
        PROGRESS.info("[prune] {} -> {}  pruned: {}", rule, tag, detail);
        return outcome;
    }

    /** A destination tag that left the source but stays, and why. */
    public synchronized void pruneStale(String rule, String tag, String reason) {
        pruneStale++;
        PROGRESS.warn("[prune] {} -> {}  stale, left in place: {}", rule, tag, reason);
    }

    /** Tags whose deletion failed (a registry that does not delete, an error), and why. */
    public synchronized void pruneNotDeleted(String rule, List<String> tags, String reason, boolean say) {
        pruneNotDeleted += tags.size();
        if (say) {
            PROGRESS.warn("[prune] {} -> {}  not deleted: {}", rule, tags, reason);
        }
    }

    /** Nothing was pruned, for {@code reason} (more tags than allowed, a destination that could not be read). */
    public synchronized void pruneRefused(String reason) {
        pruneRefused = reason;
        PROGRESS.warn("[prune] nothing deleted: {}", reason);
    }

    /** The run is a dry run: its summary says so even when it planned nothing. */
    public synchronized void dryRun() {
        dryRun = true;
    }

    /** A retry after a transient error; {@code rateLimitedAnswer} when the registry answered 429. */
    public synchronized void retried(boolean rateLimitedAnswer) {
        retries++;
        if (rateLimitedAnswer) {
            rateLimited++;
        }
    }

    /** The run failed before it copied anything ({@code reason}: two rules write one tag): it ends {@code failed}. */
    public synchronized void failedBeforeCopying(String reason) {
        failedBeforeCopying = reason;
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
                counts[4], counts[5], counts[6], counts[7]);
        if (!failedBeforeCopying.isEmpty()) {
            return RunSummary.failedToStart(runId, startedAt, clock.instant(), failedBeforeCopying);
        }
        String status = interrupted ? RunSummary.INTERRUPTED : dryRun ? RunSummary.DRY_RUN
                : images.failed() == 0 ? RunSummary.SUCCEEDED
                : images.synced() + images.unchanged() > 0 ? RunSummary.PARTIAL : RunSummary.FAILED;
        return new RunSummary(runId, startedAt, clock.instant(), status, images,
                new RunSummary.TransferCounts(blobsCopied, blobsMounted, blobsPresent, manifestsPushed, bytes,
                        retries, rateLimited, referrers.copied(), referrers.present(), referrers.skipped()),
                outcomes, abandoned, new RunSummary.PruneCounts(pruning, pruned, pruneStale, pruneNotDeleted,
                pruneRefused));
    }

    /** Adds what a copy (or, in a dry run, its plan) did to the run's counts: blobs, manifests, bytes, referrers. */
    private void count(CopyResult result) {
        count(RunSummary.TransferCounts.of(result));
    }

    /** Adds what a copy did, here or (cluster mode) on another instance, to the run's counts. */
    private void count(RunSummary.TransferCounts counts) {
        blobsCopied += counts.blobsCopied();
        blobsMounted += counts.blobsMounted();
        blobsPresent += counts.blobsPresent();
        manifestsPushed += counts.manifestsPushed();
        referrers = referrers.plus(new ReferrerCounts(counts.referrersCopied(), counts.referrersPresent(),
                counts.referrersSkipped()));
        bytes += counts.bytes();
        retries += counts.retries();
        rateLimited += counts.rateLimited();
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

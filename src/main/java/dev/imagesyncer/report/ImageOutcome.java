package dev.imagesyncer.report;

import java.util.List;

/**
 * What happened to one source image and one destination, as the run report and the events tell it. Every image
 * and destination of a run ends with exactly one outcome.
 *
 * @param result   one of {@link #WORDS}
 * @param digest   the digest the destination holds (synced, unchanged), empty otherwise
 * @param bytes    blob bytes uploaded for it
 * @param seconds  how long its copy took
 * @param attempts how many times its failing step ran (1 unless it was redelivered)
 * @param detail   why it was not synced, or a remark such as a filtered index; empty otherwise
 */
public record ImageOutcome(String source, String destination, String result, String digest, long bytes,
                           double seconds, int attempts, String detail) {

    /** Copied: something was pushed. */
    public static final String SYNCED = "synced";
    /** The destination already had the manifest (or, forced, nothing differed): nothing pushed. */
    public static final String UNCHANGED = "unchanged";
    /** Could not be copied; the reason is in {@code detail}. */
    public static final String FAILED = "failed";
    /** Dropped on purpose: a route step ended its exchange, or no entry of an index matched the platform filter. */
    public static final String FILTERED = "filtered";
    /** The run was interrupted before this image started. */
    public static final String NOT_STARTED = "not-started";
    /**
     * The run was interrupted while this image was being copied: its uploads stopped at a chunk boundary (the next
     * run carries them on) or were abandoned when the stop timeout passed; no manifest of it was pushed.
     */
    public static final String STOPPED = "stopped";

    /** A dry run ({@code --dry-run}) would copy it: {@code bytes} and {@code detail} say what; nothing was written. */
    public static final String PLANNED = "planned";

    /**
     * With {@code --prune}: a destination tag that left the source, deleted (with its manifest, by digest), or in
     * a dry run to be deleted; {@code source} is the rule, {@code destination} the tag.
     */
    public static final String PRUNED = "pruned";

    /** The outcome words, the one vocabulary of reports, events and metrics; later features add, never rename. */
    public static final List<String> WORDS = List.of(SYNCED, UNCHANGED, FAILED, FILTERED, NOT_STARTED, STOPPED,
            PLANNED, PRUNED);
}

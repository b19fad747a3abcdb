package dev.imagesyncer.report;

/**
 * What happened to one source image and one destination, as the run report and the events tell it.
 *
 * @param result   {@code synced}, {@code skipped} or {@code failed}
 * @param attempts how many times the copy ran (1 unless it was redelivered after a transient error)
 * @param detail   why it was skipped or failed, or a remark such as a filtered index; empty otherwise
 */
public record ImageOutcome(String source, String destination, String result, String digest, long bytes,
                           double seconds, int attempts, String detail) {

    public static final String SYNCED = "synced";
    public static final String SKIPPED = "skipped";
    public static final String FAILED = "failed";
}

package dev.imagesyncer.pipeline;

/**
 * The headers the sync routes set: a stable interface for steps users add in YAML (filters, logs, routing), which
 * can read them without knowing Java types. Values are strings, but {@link #SIZE}, a number of bytes.
 */
public final class Headers {

    /** The run an exchange belongs to; its registry client, blob ledger and counters are looked up by it. */
    public static final String RUN_ID = "ImageSyncerRunId";
    /** The source image ({@code registry/repository:tag} or {@code @digest}) on copy-image and copy-blob. */
    public static final String SOURCE = "ImageSyncerSource";
    /** The destination image on copy-image and copy-blob. */
    public static final String DESTINATION = "ImageSyncerDestination";
    /** The blob's digest on copy-blob. */
    public static final String DIGEST = "ImageSyncerDigest";
    /** The blob's size in bytes on copy-blob (-1 when its manifest does not say). */
    public static final String SIZE = "ImageSyncerSize";

    /**
     * Cluster mode, on a copy job in the job queue: the queue its outcome goes back to (the planning instance's
     * outcomes queue).
     */
    public static final String REPLY_TO = "ImageSyncerReplyTo";
    /**
     * Cluster mode, on a copy job in the job queue: its destination repository ({@code registry/repository}), the
     * JMS message group, so that no repository is written by two instances at once.
     */
    public static final String GROUP = "JMSXGroupID";

    private Headers() {
    }
}

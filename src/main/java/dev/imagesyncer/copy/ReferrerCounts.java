package dev.imagesyncer.copy;

/**
 * The referrers of one image copy, counted (cosign's tags among them).
 *
 * @param copied  referrers pushed to the destination
 * @param present referrers the destination already had
 * @param skipped referrers left out: of an artifact type {@code --artifact-type} does not name, or of a source
 *                index that the platform filter gave a new digest
 */
public record ReferrerCounts(int copied, int present, int skipped) {

    public static final ReferrerCounts NONE = new ReferrerCounts(0, 0, 0);

    public ReferrerCounts plus(ReferrerCounts other) {
        return new ReferrerCounts(copied + other.copied, present + other.present, skipped + other.skipped);
    }
}

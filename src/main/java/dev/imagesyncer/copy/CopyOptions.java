package dev.imagesyncer.copy;

/**
 * How to copy: {@code force} pushes manifests even when the target already has them; {@code platforms} keeps only
 * the matching entries of an index; {@code referrers} says which referrers travel with the image.
 */
public record CopyOptions(boolean force, PlatformFilter platforms, ReferrerSelection referrers) {

    public static final CopyOptions DEFAULT = new CopyOptions(false, PlatformFilter.NONE, ReferrerSelection.NONE);

    public CopyOptions {
        referrers = referrers == null ? ReferrerSelection.NONE : referrers;
    }

    /** Options without referrers. */
    public CopyOptions(boolean force, PlatformFilter platforms) {
        this(force, platforms, ReferrerSelection.NONE);
    }
}

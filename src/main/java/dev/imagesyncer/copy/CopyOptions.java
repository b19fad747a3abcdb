package dev.imagesyncer.copy;

/**
 * How to copy: {@code force} pushes manifests even when the target already has them; {@code platforms} keeps only
 * the matching entries of an index.
 */
public record CopyOptions(boolean force, PlatformFilter platforms) {

    public static final CopyOptions DEFAULT = new CopyOptions(false, PlatformFilter.NONE);
}

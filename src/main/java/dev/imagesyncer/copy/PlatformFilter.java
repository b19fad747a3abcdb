package dev.imagesyncer.copy;

import dev.imagesyncer.registry.Platform;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * image-syncer's {@code --os} / {@code --arch} filters for the entries of an index. A pattern matches a value when
 * equal to it, or when it is {@code value:detail} and the detail equals the entry's {@code os.version} (for an
 * OS) or {@code variant} (for an architecture): {@code linux} matches every Linux entry, {@code arm:v7} only
 * ARMv7. Patterns of one kind are alternatives; OS and architecture must both match. An entry that does not
 * state its OS (or architecture) is not filtered on it.
 */
public record PlatformFilter(List<String> osPatterns, List<String> archPatterns) {

    public static final PlatformFilter NONE = new PlatformFilter(List.of(), List.of());
    private static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9._-]+(:[A-Za-z0-9._-]+)?");

    public PlatformFilter {
        osPatterns = List.copyOf(osPatterns);
        archPatterns = List.copyOf(archPatterns);
    }

    /**
     * Builds a filter from repeated flags, each of which may also hold a comma-separated list.
     *
     * @throws IllegalArgumentException naming the flag and the value, for one that is not {@code OS[:VERSION]} or
     *                                  {@code ARCH[:VARIANT]} (letters, digits, {@code . _ -})
     */
    public static PlatformFilter of(Collection<String> os, Collection<String> arch) {
        return new PlatformFilter(checked(split(os), "sync.os (--os)", "OS[:VERSION], e.g. linux or windows:10.0.20348"),
                checked(split(arch), "sync.arch (--arch)", "ARCH[:VARIANT], e.g. amd64 or arm:v7"));
    }

    private static List<String> checked(List<String> patterns, String flag, String form) {
        for (String pattern : patterns) {
            if (!PATTERN.matcher(pattern).matches()) {
                throw new IllegalArgumentException(flag + ": \"" + pattern + "\" is not " + form);
            }
        }
        return patterns;
    }

    public boolean isActive() {
        return !osPatterns.isEmpty() || !archPatterns.isEmpty();
    }

    public boolean matches(Platform platform) {
        if (platform == null) {
            return true;
        }
        return matchesAny(osPatterns, platform.os(), platform.osVersion())
                && matchesAny(archPatterns, platform.architecture(), platform.variant());
    }

    private static boolean matchesAny(List<String> patterns, String value, String detail) {
        if (patterns.isEmpty() || value == null || value.isEmpty()) {
            return true;
        }
        for (String pattern : patterns) {
            if (pattern.equals(value) || pattern.equals(value + ":" + detail)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> split(Collection<String> values) {
        return values.stream()
                .flatMap(value -> Arrays.stream(value.split(",")))
                .map(String::trim)
                .filter(value -> !value.isEmpty())
                .toList();
    }

    @Override
    public String toString() {
        return "os=" + osPatterns + " arch=" + archPatterns;
    }
}

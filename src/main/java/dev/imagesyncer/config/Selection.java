package dev.imagesyncer.config;

import dev.imagesyncer.registry.Digest;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Which images of a source repository a rule copies. Only the component of its {@link Kind} is set: {@code tags}
 * is empty and {@code regex} and {@code digest} are null otherwise.
 */
public record Selection(Kind kind, List<String> tags, Pattern regex, Digest digest) {

    public enum Kind {
        /** {@code repo}: every tag the registry lists. */
        ALL_TAGS,
        /** {@code repo:t1,t2,...}: these tags, without listing. */
        TAGS,
        /** {@code repo:/regex/}: the listed tags the regex finds a match in (a partial match, like Go's MatchString). */
        REGEX,
        /** {@code repo@sha256:...}: one manifest by digest. */
        DIGEST
    }

    public Selection {
        Objects.requireNonNull(kind, "kind");
        tags = List.copyOf(tags);
        if (kind == Kind.TAGS == tags.isEmpty()
                || kind == Kind.REGEX == (regex == null)
                || kind == Kind.DIGEST == (digest == null)) {
            throw new IllegalArgumentException("a " + kind + " selection needs exactly its own component");
        }
    }

    public static Selection allTags() {
        return new Selection(Kind.ALL_TAGS, List.of(), null, null);
    }

    public static Selection tags(List<String> tags) {
        return new Selection(Kind.TAGS, tags, null, null);
    }

    public static Selection regex(Pattern regex) {
        return new Selection(Kind.REGEX, List.of(), regex, null);
    }

    public static Selection digest(Digest digest) {
        return new Selection(Kind.DIGEST, List.of(), null, digest);
    }

    /** True when the registry's tag list is needed to know the tags. */
    public boolean needsTagListing() {
        return kind == Kind.ALL_TAGS || kind == Kind.REGEX;
    }

    /**
     * The tags selected from those the registry listed, in listed order without repeats. {@link Kind#TAGS} gives its
     * own tags without looking at {@code listed}; {@link Kind#DIGEST} gives none.
     */
    public List<String> select(List<String> listed) {
        return switch (kind) {
            case ALL_TAGS -> List.copyOf(new LinkedHashSet<>(listed));
            case REGEX -> List.copyOf(new LinkedHashSet<>(listed.stream().filter(tag -> regex.matcher(tag).find()).toList()));
            case TAGS -> tags;
            case DIGEST -> List.of();
        };
    }

    // Pattern has identity equality; two selections with the same regex text are the same selection.
    @Override
    public boolean equals(Object other) {
        return other instanceof Selection that
                && kind == that.kind
                && tags.equals(that.tags)
                && Objects.equals(regexText(), that.regexText())
                && Objects.equals(digest, that.digest);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, tags, regexText(), digest);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case ALL_TAGS -> "all tags";
            case TAGS -> "tags " + String.join(",", tags);
            case REGEX -> "tags matching /" + regex.pattern() + "/";
            case DIGEST -> "digest " + digest;
        };
    }

    private String regexText() {
        return regex == null ? null : regex.pattern();
    }
}

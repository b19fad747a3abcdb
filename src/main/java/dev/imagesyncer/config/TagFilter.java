package dev.imagesyncer.config;

import org.semver4j.RangesList;
import org.semver4j.RangesListFactory;
import org.semver4j.Semver;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which of the tags a registry listed a rule keeps, applied in this order: {@code include} (some regex finds a
 * match; none given keeps all), {@code exclude} (no regex finds a match), {@code semver} (tags that are semantic
 * versions, a leading {@code v} allowed, in the range; pre-releases only when the range names one), {@code latest}
 * (the N highest releases, then pre-releases, then tags that are not semantic versions). Regexes are Java's, matching
 * anywhere in the tag ({@link java.util.regex.Matcher#find()}); ranges are npm's, read by semver4j. The tags kept
 * stay in the order they were listed.
 *
 * <p>Each field may be unset (null): {@link #withDefaults} fills it from the flags ({@code --include-tag},
 * {@code --exclude-tag}, {@code --latest}).
 *
 * @param include regexes a tag must match one of, or null
 * @param exclude regexes a tag must match none of, or null
 * @param semver  an npm-style range such as {@code >=3.4.0 <4}, or null
 * @param latest  how many of the highest versions to keep (at least 1), or null
 */
public record TagFilter(List<Pattern> include, List<Pattern> exclude, String semver, Integer latest) {

    public static final TagFilter NONE = new TagFilter(null, null, null, null);

    /** {@code MAJOR} or {@code MAJOR.MINOR}: read as {@code MAJOR.0.0} and {@code MAJOR.MINOR.0}. */
    private static final Pattern SHORT_VERSION = Pattern.compile("\\d+(\\.\\d+)?");

    public TagFilter {
        include = include == null ? null : List.copyOf(include);
        exclude = exclude == null ? null : List.copyOf(exclude);
        if (semver != null && semver.isBlank()) {
            semver = null;
        }
        if (semver != null && !semver.strip().equals("*")
                && RangesListFactory.create(semver).get().isEmpty()) {
            throw new IllegalArgumentException("semver: '" + semver + "' is not a version range (e.g. '>=1.2.0 <2', "
                    + "'^3.4', '~1.2.3 || 2.x')");
        }
        if (latest != null && latest < 1) {
            throw new IllegalArgumentException("latest must be at least 1, not " + latest);
        }
    }

    /**
     * Compiles regexes written in a file or a flag.
     *
     * @throws IllegalArgumentException naming the regex and what is wrong with it
     */
    public static List<Pattern> patterns(List<String> regexes, String field) {
        List<Pattern> patterns = new ArrayList<>(regexes.size());
        for (String regex : regexes) {
            try {
                patterns.add(Pattern.compile(regex));
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new IllegalArgumentException(field + ": invalid regex '" + regex + "': " + e.getDescription());
            }
        }
        return patterns;
    }

    /** True when no field is set: every tag is kept. */
    public boolean isEmpty() {
        return include == null && exclude == null && semver == null && latest == null;
    }

    /** This filter, its unset fields taken from {@code defaults}. */
    public TagFilter withDefaults(TagFilter defaults) {
        return new TagFilter(include != null ? include : defaults.include,
                exclude != null ? exclude : defaults.exclude, semver != null ? semver : defaults.semver,
                latest != null ? latest : defaults.latest);
    }

    /** The tags of {@code listed} this filter keeps, in their order. */
    public List<String> apply(List<String> listed) {
        List<String> kept = new ArrayList<>();
        RangesList range = semver == null ? null : RangesListFactory.create(semver);
        for (String tag : listed) {
            if (include != null && !include.isEmpty() && include.stream().noneMatch(p -> p.matcher(tag).find())) {
                continue;
            }
            if (exclude != null && exclude.stream().anyMatch(p -> p.matcher(tag).find())) {
                continue;
            }
            if (range != null && !version(tag).filter(range::isSatisfiedBy).isPresent()) {
                continue;
            }
            kept.add(tag);
        }
        if (latest == null || kept.size() <= latest) {
            return kept;
        }
        Comparator<String> highestFirst = Comparator.comparing((String tag) -> version(tag).filter(v ->
                        v.getPreRelease().isEmpty()).orElse(null), Comparator.nullsLast(Comparator.reverseOrder()))
                .thenComparing(tag -> version(tag).orElse(null), Comparator.nullsLast(Comparator.reverseOrder()));
        Set<String> newest = new HashSet<>(kept.stream().sorted(highestFirst).limit(latest).toList());
        return kept.stream().filter(newest::contains).toList();
    }

    /** The semantic version a tag names ({@code v1.2.3}, {@code 1.2.3-rc.1}, {@code 1.2}, {@code 1}), if any. */
    static Optional<Semver> version(String tag) {
        String text = tag.startsWith("v") || tag.startsWith("V") ? tag.substring(1) : tag;
        if (SHORT_VERSION.matcher(text).matches()) {
            return Optional.ofNullable(Semver.coerce(text));
        }
        return Optional.ofNullable(Semver.parse(text));
    }

    /** What it keeps, for messages: {@code include /^v3/, exclude /-rc/, semver >=3.4.0 <4, latest 5}. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        if (include != null && !include.isEmpty()) {
            parts.add("include " + include.stream().map(p -> "/" + p.pattern() + "/").toList());
        }
        if (exclude != null && !exclude.isEmpty()) {
            parts.add("exclude " + exclude.stream().map(p -> "/" + p.pattern() + "/").toList());
        }
        if (semver != null) {
            parts.add("semver " + semver);
        }
        if (latest != null) {
            parts.add("latest " + latest);
        }
        return parts.isEmpty() ? "all tags" : String.join(", ", parts);
    }

    // Pattern has identity equality: two filters with the same regex texts are the same filter.
    @Override
    public boolean equals(Object other) {
        return other instanceof TagFilter that && Objects.equals(texts(include), texts(that.include))
                && Objects.equals(texts(exclude), texts(that.exclude)) && Objects.equals(semver, that.semver)
                && Objects.equals(latest, that.latest);
    }

    @Override
    public int hashCode() {
        return Objects.hash(texts(include), texts(exclude), semver, latest);
    }

    private static List<String> texts(List<Pattern> patterns) {
        return patterns == null ? null : patterns.stream().map(Pattern::pattern).toList();
    }
}

package dev.imagesyncer.config;

/**
 * What the long form of a rule sets for itself; an unset field (null) takes the flag's value.
 *
 * @param tags         which listed tags it keeps ({@code tags:}); {@link TagFilter#NONE} when not set
 * @param skipExisting leave a destination tag that exists as it is, without reading the source for it
 *                     ({@code skipExisting:}, {@code --skip-existing}), or null
 * @param referrers    copy the image's referrers ({@code referrers:}, {@code --referrers}), or null
 */
public record RuleOptions(TagFilter tags, Boolean skipExisting, Boolean referrers) {

    public static final RuleOptions NONE = new RuleOptions(TagFilter.NONE, null, null);

    public RuleOptions {
        tags = tags == null ? TagFilter.NONE : tags;
    }
}

package dev.imagesyncer.config;

import dev.imagesyncer.testing.TestTags;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tag filters, in their order: include, exclude, semver, latest. */
class TagFilterTest {


    private static TagFilter filter(List<String> include, List<String> exclude, String semver, Integer latest) {
        return new TagFilter(include == null ? null : TagFilter.patterns(include, "include"),
                exclude == null ? null : TagFilter.patterns(exclude, "exclude"), semver, latest);
    }

    @Test
    void include_exclude_semver_and_latest_apply_in_that_order() {
        TagFilter filter = filter(List.of("^v?3\\.", "^latest$"), List.of("-rc", "alpha", "\\.9$"), ">=3.4.0 <4", 5);

        assertThat(TestTags.sixty()).hasSize(60);
        assertThat(filter.apply(TestTags.sixty())).containsExactly("v3.6.4", "v3.6.5", "v3.6.6", "v3.6.7", "v3.6.8");
    }

    @Test
    void regexes_match_anywhere_and_any_include_may_match() {
        TagFilter filter = filter(List.of("alpha", "^v4"), null, null, null);

        assertThat(filter.apply(TestTags.sixty())).containsExactly("v3.6.0-alpha.1", "v3.6.0-alpha.2", "v3.6.0-alpha.3",
                "v3.6.0-alpha.4", "v3.6.0-alpha.5", "v4.0.0", "v4.1.0");
    }

    @Test
    void a_range_leaves_pre_releases_out_unless_it_names_one_and_reads_short_versions() {
        assertThat(filter(null, null, ">=3.5.0 <3.6.1", null).apply(TestTags.sixty()))
                .containsExactly("v3.5.0", "v3.5.1", "v3.5.2", "v3.5.3", "v3.5.4", "v3.5.5", "v3.5.6", "v3.5.7",
                        "v3.5.8", "v3.5.9", "v3.6.0");
        assertThat(filter(null, null, ">=3.5.0-rc.4 <3.5.0", null).apply(TestTags.sixty()))
                .containsExactly("v3.5.0-rc.4", "v3.5.0-rc.5");
        assertThat(filter(null, null, "~3.4.0", null).apply(List.of("3.4", "v3.4", "3.4.2", "3.5", "latest")))
                .containsExactly("3.4", "v3.4", "3.4.2");
    }

    @Test
    void latest_alone_keeps_the_highest_versions_and_sorts_other_tags_after_them() {
        assertThat(filter(null, null, null, 3).apply(List.of("latest", "v1.0.0", "v2.0.0", "edge")))
                .containsExactly("latest", "v1.0.0", "v2.0.0");
        assertThat(filter(null, null, null, 2).apply(TestTags.sixty())).containsExactly("v4.0.0", "v4.1.0");
    }

    @Test
    void the_flags_fill_only_the_fields_a_rule_leaves_unset() {
        TagFilter rule = filter(List.of("^v3"), null, null, null);
        TagFilter flags = filter(List.of("^v4"), List.of("\\.9$"), null, 2);

        TagFilter applied = rule.withDefaults(flags);

        assertThat(applied).isEqualTo(filter(List.of("^v3"), List.of("\\.9$"), null, 2));
        assertThat(applied.apply(TestTags.sixty())).containsExactly("v3.6.7", "v3.6.8");
    }

    @Test
    void a_bad_range_a_bad_regex_and_latest_0_are_refused_with_what_to_write() {
        assertThatThrownBy(() -> filter(null, null, "newest please", null))
                .hasMessageContaining("'newest please' is not a version range (e.g. '>=1.2.0 <2'");
        assertThatThrownBy(() -> filter(List.of("v(1"), null, null, null))
                .hasMessageContaining("include: invalid regex 'v(1'");
        assertThatThrownBy(() -> filter(null, null, null, 0)).hasMessageContaining("latest must be at least 1");
    }
}

package dev.imagesyncer.config;

import dev.imagesyncer.registry.ImageReference;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.imagesyncer.config.ConfigFiles.DIGEST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SyncRuleTest {

    private static final List<String> LISTED = List.of("v1.0", "v1.1-alpha", "latest", "v2.0", "beta");

    @Test
    void all_tags_selects_every_listed_tag_once_in_listed_order() {
        SyncRule rule = rule("quay.io/app: quay.io/dst");

        assertThat(rule.needsTagListing()).isTrue();
        assertThat(rule.selection().kind()).isEqualTo(Selection.Kind.ALL_TAGS);
        assertThat(rule.selectTags(List.of("b", "a", "b"))).containsExactly("b", "a");
        assertThat(jobs(rule, List.of("b", "a"))).containsExactly(
                "quay.io/app:b -> [quay.io/dst:b]",
                "quay.io/app:a -> [quay.io/dst:a]");
    }

    @Test
    void a_regex_selects_by_partial_match_like_go() {
        SyncRule rule = rule("quay.io/app:/a/: quay.io/dst");

        assertThat(rule.needsTagListing()).isTrue();
        assertThat(rule.selectTags(LISTED)).containsExactly("v1.1-alpha", "latest", "beta");
    }

    @Test
    void an_anchored_regex_matches_the_whole_tag() {
        SyncRule rule = rule("quay.io/app:/^v[0-9]+\\.[0-9]+$/: quay.io/dst");

        assertThat(rule.selectTags(LISTED)).containsExactly("v1.0", "v2.0");
        assertThat(rule("quay.io/app:/v1/: quay.io/dst").selectTags(List.of("v1", "xv1y", "v2")))
                .containsExactly("v1", "xv1y");
    }

    @Test
    void pairs_applies_the_regex_to_listed_tags_too() {
        SyncRule rule = rule("quay.io/app:/^v2/: quay.io/dst");

        assertThat(jobs(rule, LISTED)).containsExactly("quay.io/app:v2.0 -> [quay.io/dst:v2.0]");
        assertThat(jobs(rule, rule.selectTags(LISTED))).containsExactly("quay.io/app:v2.0 -> [quay.io/dst:v2.0]");
    }

    @Test
    void a_tag_list_brings_its_own_tags_without_listing() {
        SyncRule rule = rule("quay.io/app:v1,v2: quay.io/dst");

        assertThat(rule.needsTagListing()).isFalse();
        assertThat(rule.selectTags(LISTED)).containsExactly("v1", "v2");
        assertThat(jobs(rule, List.of())).containsExactly(
                "quay.io/app:v1 -> [quay.io/dst:v1]",
                "quay.io/app:v2 -> [quay.io/dst:v2]");
        assertThat(rule.pairs()).isEqualTo(rule.pairs(List.of("ignored")));
    }

    @Test
    void a_tag_list_to_a_tag_list_renames_left_to_right() {
        SyncRule rule = rule("quay.io/app:a,b: [\"quay.io/dst:x,y\", quay.io/keep]");

        assertThat(jobs(rule, List.of())).containsExactly(
                "quay.io/app:a -> [quay.io/dst:x, quay.io/keep:a]",
                "quay.io/app:b -> [quay.io/dst:y, quay.io/keep:b]");
    }

    @Test
    void a_digest_is_copied_by_digest_or_to_a_tag() {
        SyncRule rule = rule("quay.io/app@" + DIGEST + ": [quay.io/by-digest, quay.io/tagged:v1]");

        assertThat(rule.needsTagListing()).isFalse();
        assertThat(rule.selectTags(LISTED)).isEmpty();
        List<ImageCopyJob> jobs = rule.pairs(LISTED);
        assertThat(jobs).hasSize(1);
        ImageCopyJob job = jobs.get(0);
        assertThat(job.source()).isEqualTo(ImageReference.parse("quay.io/app@" + DIGEST));
        assertThat(job.targets()).containsExactly(
                ImageReference.parse("quay.io/by-digest@" + DIGEST),
                ImageReference.parse("quay.io/tagged:v1"));
        assertThat(job.targets().get(0).tag()).isNull();
        assertThat(job.targets().get(1).digest()).isNull();
    }

    @Test
    void one_source_tag_to_many_destinations() {
        SyncRule rule = rule("quay.io/coreos/kube-rbac-proxy:v1.1: [quay.io/ruohe/p1, quay.io/ruohe/p2]");

        assertThat(jobs(rule, List.of())).containsExactly(
                "quay.io/coreos/kube-rbac-proxy:v1.1 -> [quay.io/ruohe/p1:v1.1, quay.io/ruohe/p2:v1.1]");
    }

    @Test
    void a_tagged_destination_for_listed_tags_is_checked_after_listing() {
        SyncRule rule = rule("quay.io/app: quay.io/dst:x");

        assertThat(jobs(rule, List.of("only"))).containsExactly("quay.io/app:only -> [quay.io/dst:x]");
        assertThatThrownBy(() -> rule.pairs(List.of("a", "b")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("images.yaml: \"quay.io/app\" -> \"quay.io/dst:x\": the number of tags of source"
                        + " (2 after listing) and destination (1) does not match");
    }

    @Test
    void a_regex_to_a_tag_list_renames_the_matches_in_listed_order() {
        SyncRule rule = rule("quay.io/app:/^v/: quay.io/dst:x,y");

        assertThat(jobs(rule, List.of("v1", "w", "v2"))).containsExactly(
                "quay.io/app:v1 -> [quay.io/dst:x]",
                "quay.io/app:v2 -> [quay.io/dst:y]");
        assertThatThrownBy(() -> rule.pairs(List.of("v1", "v2", "v3")))
                .hasMessage("images.yaml: \"quay.io/app:/^v/\" -> \"quay.io/dst:x,y\": the number of tags of source"
                        + " (3 after listing) and destination (2) does not match");
    }

    @Test
    void nothing_selected_is_no_job() {
        assertThat(rule("quay.io/app:/^x/: quay.io/dst").pairs(LISTED)).isEmpty();
        assertThat(rule("quay.io/app: quay.io/dst").pairs(List.of())).isEmpty();
    }

    @Test
    void targets_that_resolve_alike_are_copied_once() {
        SyncRule rule = rule("quay.io/app:v1: [quay.io/dst, quay.io/dst:v1]");

        assertThat(jobs(rule, List.of())).containsExactly("quay.io/app:v1 -> [quay.io/dst:v1]");
    }

    @Test
    void a_rule_that_needs_listing_has_no_pairs_without_tags() {
        SyncRule rule = rule("quay.io/app: quay.io/dst");

        assertThatThrownBy(rule::pairs)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("quay.io/app needs the repository's tag list");
    }

    @Test
    void the_source_keeps_its_written_form() {
        SyncRule rule = rule("nginx:1.25,1.26: quay.io/dst");

        assertThat(rule.source()).isEqualTo("nginx:1.25,1.26");
        assertThat(rule.repository().toString()).isEqualTo("docker.io/library/nginx");
        assertThat(rule.file()).isEqualTo("images.yaml");
    }

    private static SyncRule rule(String yaml) {
        return ImagesConfig.fromTree(ConfigFormat.YAML.parse(yaml + "\n", "images.yaml"), "images.yaml", Map.of(),
                DefaultDestination.none()).rules().get(0);
    }

    private static List<String> jobs(SyncRule rule, List<String> tags) {
        return rule.pairs(tags).stream().map(ImageCopyJob::toString).toList();
    }
}

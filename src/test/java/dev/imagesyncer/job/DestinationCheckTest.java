package dev.imagesyncer.job;

import dev.imagesyncer.config.ConfigException;
import dev.imagesyncer.config.Destination;
import dev.imagesyncer.config.Selection;
import dev.imagesyncer.config.SyncRule;
import dev.imagesyncer.registry.ImageReference;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** No two images may be written to one tag; one source to one destination twice is one copy. */
class DestinationCheckTest {

    private static final String DIGEST = "sha256:" + "a".repeat(64);

    private static final List<SyncRule> RULES = List.of(rule("src.test/lab/a:1"), rule("src.test/lab/b:1"),
            rule("src.test/lab/a"));
    private static final IntFunction<SyncRule> BY_NUMBER = number -> RULES.get(number - 1);

    private static SyncRule rule(String source) {
        ImageReference parsed = ImageReference.parse(source);
        return new SyncRule("images.yaml", source, parsed.repository(), Selection.allTags(),
                List.of(new Destination(ImageReference.parse("dst.test/mirror/x").repository(), List.of(), null)));
    }

    private static ImageJob job(int rule, String source, String... destinations) {
        return new ImageJob("run", rule, source, List.of(destinations), JobOptions.DEFAULT);
    }

    @Test
    void two_images_written_to_one_tag_are_a_configuration_error_naming_both_rules() {
        List<ImageJob> jobs = List.of(job(1, "src.test/lab/a:1", "dst.test/mirror/x:1"),
                job(2, "src.test/lab/b:1", "dst.test/mirror/x"));

        assertThatThrownBy(() -> DestinationCheck.distinctDestinations(jobs, BY_NUMBER))
                .isInstanceOf(ConfigException.class)
                .hasMessage("images.yaml: rules 1 (\"src.test/lab/a:1\") and 2 (\"src.test/lab/b:1\") both write "
                        + "dst.test/mirror/x:1, from src.test/lab/a:1 and src.test/lab/b:1; give each image its own "
                        + "destination");
    }

    @Test
    void one_source_to_one_destination_twice_is_one_copy_and_a_digest_is_the_same_content_whoever_writes_it() {
        List<ImageJob> jobs = List.of(
                job(3, "src.test/lab/a:1", "dst.test/mirror/x", "dst.test/mirror/y"),
                job(1, "src.test/lab/a:1", "dst.test/mirror/x:1"),
                job(3, "src.test/lab/a@" + DIGEST, "dst.test/mirror/z"),
                job(2, "src.test/lab/b@" + DIGEST, "dst.test/mirror/z"));

        List<ImageJob> distinct = DestinationCheck.distinctDestinations(jobs, BY_NUMBER);

        assertThat(distinct).extracting(ImageJob::toString).containsExactly(
                "src.test/lab/a:1 -> [dst.test/mirror/x, dst.test/mirror/y]",
                "src.test/lab/a@" + DIGEST + " -> [dst.test/mirror/z]",
                "src.test/lab/b@" + DIGEST + " -> [dst.test/mirror/z]");
    }

    @Test
    void one_rule_that_writes_one_tag_twice_says_so() {
        List<ImageJob> jobs = List.of(job(3, "src.test/lab/a:1", "dst.test/mirror/x:latest"),
                job(3, "src.test/lab/a:2", "dst.test/mirror/x:latest"));

        assertThatThrownBy(() -> DestinationCheck.distinctDestinations(jobs, BY_NUMBER))
                .hasMessageStartingWith("images.yaml: rule 3 (\"src.test/lab/a\") writes dst.test/mirror/x:latest "
                        + "twice, from src.test/lab/a:1 and src.test/lab/a:2");
    }
}

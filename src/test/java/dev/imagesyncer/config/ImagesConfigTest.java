package dev.imagesyncer.config;

import dev.imagesyncer.registry.Digest;
import dev.imagesyncer.registry.ImageReference;
import dev.imagesyncer.registry.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static dev.imagesyncer.config.ConfigFiles.DIGEST;
import static dev.imagesyncer.config.ConfigFiles.OTHER_DIGEST;
import static dev.imagesyncer.config.ConfigFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImagesConfigTest {

    private static final String SRC = "quay.io/coreos/kube-rbac-proxy";
    private static final String DST = "quay.io/ruohe/kube-rbac-proxy";
    private static final DefaultDestination NO_DEFAULTS = DefaultDestination.none();

    @TempDir
    Path dir;

    @Test
    void reads_the_documented_yaml_example_in_file_order() {
        Path file = write(dir, "images.yaml", """
                quay.io/coreos/kube-rbac-proxy: quay.io/ruohe/kube-rbac-proxy            # all tags
                quay.io/coreos/kube-rbac-proxy:v1.0: quay.io/ruohe/kube-rbac-proxy       # one tag, kept
                quay.io/coreos/kube-rbac-proxy:v1.0,v2.0: quay.io/ruohe/kube-rbac-proxy  # tag list
                quay.io/coreos/kube-rbac-proxy@%s: quay.io/ruohe/kube-rbac-proxy   # digest
                quay.io/coreos/kube-rbac-proxy:v1.1:                                     # one -> many
                  - quay.io/ruohe/kube-rbac-proxy1
                  - quay.io/ruohe/kube-rbac-proxy2
                quay.io/coreos/kube-rbac-proxy:/a+/: quay.io/ruohe/kube-rbac-proxy       # regex tags
                """.formatted(DIGEST));

        List<SyncRule> rules = ImagesConfig.load(file, Map.of(), NO_DEFAULTS).rules();

        String name = file.toString();
        assertThat(rules).containsExactly(
                rule(name, SRC, Selection.allTags(), dest(DST)),
                rule(name, SRC + ":v1.0", Selection.tags(List.of("v1.0")), dest(DST)),
                rule(name, SRC + ":v1.0,v2.0", Selection.tags(List.of("v1.0", "v2.0")), dest(DST)),
                rule(name, SRC + "@" + DIGEST, Selection.digest(Digest.parse(DIGEST)), dest(DST)),
                rule(name, SRC + ":v1.1", Selection.tags(List.of("v1.1")), dest(DST + "1"), dest(DST + "2")),
                rule(name, SRC + ":/a+/", Selection.regex(Pattern.compile("a+")), dest(DST)));
    }

    @Test
    void reads_the_documented_json_example() {
        Path file = write(dir, "images.json", """
                {
                  "quay.io/coreos/kube-rbac-proxy": "quay.io/ruohe/kube-rbac-proxy",
                  "quay.io/coreos/kube-rbac-proxy:v1.1": ["quay.io/ruohe/kube-rbac-proxy1", "quay.io/ruohe/kube-rbac-proxy2"],
                  "quay.io/coreos/kube-rbac-proxy:/a+/": "quay.io/ruohe/kube-rbac-proxy"
                }
                """);

        List<SyncRule> rules = ImagesConfig.load(file, Map.of(), NO_DEFAULTS).rules();

        String name = file.toString();
        assertThat(rules).containsExactly(
                rule(name, SRC, Selection.allTags(), dest(DST)),
                rule(name, SRC + ":v1.1", Selection.tags(List.of("v1.1")), dest(DST + "1"), dest(DST + "2")),
                rule(name, SRC + ":/a+/", Selection.regex(Pattern.compile("a+")), dest(DST)));
    }

    @Test
    void reads_the_ci_example_with_short_names_and_a_digest_to_an_untagged_and_a_tagged_destination() {
        Path file = write(dir, "test-images.yml", """
                alpine:3.18.2: "localhost:5000/image-syncer-test/alpine"                 # docker manifest list
                hybridnetdev/hybridnet@%s:
                  - "localhost:5000/image-syncer-test/hybridnet"
                  - "localhost:5000/image-syncer-test/hybridnet:v0.8.2-test"
                """.formatted(DIGEST));

        List<SyncRule> rules = ImagesConfig.load(file, Map.of(), NO_DEFAULTS).rules();

        assertThat(rules).hasSize(2);
        assertThat(rules.get(0).repository()).isEqualTo(new Repository("docker.io", "library/alpine"));
        assertThat(rules.get(0).selection()).isEqualTo(Selection.tags(List.of("3.18.2")));
        assertThat(rules.get(0).pairs()).containsExactly(new ImageCopyJob(
                ImageReference.parse("alpine:3.18.2"),
                List.of(ImageReference.parse("localhost:5000/image-syncer-test/alpine:3.18.2"))));
        assertThat(rules.get(1).repository()).isEqualTo(new Repository("docker.io", "hybridnetdev/hybridnet"));
        assertThat(rules.get(1).destinations()).containsExactly(
                dest("localhost:5000/image-syncer-test/hybridnet"),
                dest("localhost:5000/image-syncer-test/hybridnet", "v0.8.2-test"));
        assertThat(rules.get(1).pairs()).containsExactly(new ImageCopyJob(
                ImageReference.parse("hybridnetdev/hybridnet@" + DIGEST),
                List.of(ImageReference.parse("localhost:5000/image-syncer-test/hybridnet@" + DIGEST),
                        ImageReference.parse("localhost:5000/image-syncer-test/hybridnet:v0.8.2-test"))));
    }

    @Test
    void the_brief_regex_error_reads_exactly_so() {
        assertThatThrownBy(() -> fromYaml("quay.io/app:/a(/: quay.io/dst\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("images.yaml: \"quay.io/app:/a(/\": invalid tag regex /a(/: Unclosed group");
    }

    @Test
    void a_regex_must_end_with_a_slash() {
        assertThatThrownBy(() -> fromYaml("quay.io/app:/a+: quay.io/dst\n"))
                .hasMessage("images.yaml: \"quay.io/app:/a+\": a tag regex must end with '/' (repo:/regex/)");
    }

    @Test
    void a_regex_cannot_come_with_a_tag() {
        assertThatThrownBy(() -> fromYaml("quay.io/app:v1:/a/: quay.io/dst\n"))
                .hasMessage("images.yaml: \"quay.io/app:v1:/a/\": a tag regex cannot be combined with a tag or digest");
    }

    @Test
    void a_regex_may_hold_commas_colons_and_slashes() {
        SyncRule rule = fromYaml("\"quay.io/app:/^v[0-9]{1,2}:x/y$/\": quay.io/dst\n").rules().get(0);

        assertThat(rule.selection()).isEqualTo(Selection.regex(Pattern.compile("^v[0-9]{1,2}:x/y$")));
    }

    @Test
    void go_named_groups_are_accepted() {
        SyncRule rule = fromYaml("quay.io/app:/^v(?P<major>[0-9]+)\\./: quay.io/dst\n").rules().get(0);

        assertThat(rule.selectTags(List.of("v1.0", "v22.3", "va.1"))).containsExactly("v1.0", "v22.3");
    }

    @Test
    void an_invalid_source_reference_names_the_entry() {
        assertThatThrownBy(() -> fromYaml("Quay.io/App:v1: quay.io/dst\n"))
                .hasMessage("images.yaml: \"Quay.io/App:v1\": invalid image reference 'Quay.io/App:v1':"
                        + " invalid repository name 'App' (lowercase letters, digits and . _ - separators,"
                        + " components joined by '/')");
    }

    @Test
    void an_invalid_destination_reference_names_the_entry_and_destination() {
        assertThatThrownBy(() -> fromYaml("quay.io/app:v1: [quay.io/ok, \"quay.io/dst:-bad\"]\n"))
                .hasMessage("images.yaml: \"quay.io/app:v1\" -> \"quay.io/dst:-bad\": invalid image reference"
                        + " 'quay.io/dst:-bad': invalid tag '-bad' (letters, digits, _ . -, at most 128 characters,"
                        + " not starting with . or -)");
    }

    @Test
    void a_bad_digest_is_an_error() {
        assertThatThrownBy(() -> fromYaml("quay.io/app@sha256:abc: quay.io/dst\n"))
                .hasMessage("images.yaml: \"quay.io/app@sha256:abc\": invalid image reference 'quay.io/app@sha256:abc':"
                        + " invalid sha256 digest 'sha256:abc' (expected 64 lowercase hex characters)");
    }

    @Test
    void a_tag_and_digest_source_means_the_digest() {
        SyncRule rule = fromYaml("quay.io/app:v1@" + DIGEST + ": quay.io/dst\n").rules().get(0);

        assertThat(rule.selection()).isEqualTo(Selection.digest(Digest.parse(DIGEST)));
    }

    @Test
    void a_tag_list_is_validated_tag_by_tag() {
        assertThatThrownBy(() -> fromYaml("quay.io/app:v1,-x: quay.io/dst\n"))
                .hasMessage("images.yaml: \"quay.io/app:v1,-x\": invalid tag '-x' (letters, digits, _ . -,"
                        + " at most 128 characters, not starting with . or -)");
        assertThatThrownBy(() -> fromYaml("quay.io/app:v1,: quay.io/dst\n"))
                .hasMessage("images.yaml: \"quay.io/app:v1,\": empty tag in tag list");
        assertThatThrownBy(() -> fromYaml("quay.io/app:v1,v2,v1: quay.io/dst\n"))
                .hasMessage("images.yaml: \"quay.io/app:v1,v2,v1\": tag 'v1' is listed twice");
        assertThatThrownBy(() -> fromYaml("quay.io/app,v2: quay.io/dst\n"))
                .hasMessage("images.yaml: \"quay.io/app,v2\": a tag list must start with a tag (repo:t1,t2)");
        assertThatThrownBy(() -> fromYaml("quay.io/app@" + DIGEST + ",v2: quay.io/dst\n"))
                .hasMessage("images.yaml: \"quay.io/app@" + DIGEST + ",v2\": a digest cannot be combined with a tag list");
    }

    @Test
    void an_explicit_tag_count_mismatch_is_an_error_before_any_listing() {
        assertThatThrownBy(() -> fromYaml("quay.io/app:a,b: quay.io/dst:x\n"))
                .hasMessage("images.yaml: \"quay.io/app:a,b\" -> \"quay.io/dst:x\": the number of tags of source (2)"
                        + " and destination (1) does not match");
        assertThatThrownBy(() -> fromYaml("quay.io/app:a: quay.io/dst:x,y\n"))
                .hasMessage("images.yaml: \"quay.io/app:a\" -> \"quay.io/dst:x,y\": the number of tags of source (1)"
                        + " and destination (2) does not match");
        assertThatThrownBy(() -> fromYaml("quay.io/app@" + DIGEST + ": quay.io/dst:x,y\n"))
                .hasMessage("images.yaml: \"quay.io/app@" + DIGEST + "\" -> \"quay.io/dst:x,y\": the number of tags"
                        + " of source (1) and destination (2) does not match");
    }

    @Test
    void matching_tag_counts_rename_left_to_right() {
        SyncRule rule = fromYaml("quay.io/app:a,b: quay.io/dst:x,y\n").rules().get(0);

        assertThat(rule.destinations()).containsExactly(dest("quay.io/dst", "x", "y"));
        assertThat(rule.pairs()).extracting(job -> job.source() + " -> " + job.targets())
                .containsExactly("quay.io/app:a -> [quay.io/dst:x]", "quay.io/app:b -> [quay.io/dst:y]");
    }

    @Test
    void a_destination_digest_must_equal_the_source_digest() {
        assertThatThrownBy(() -> fromYaml("quay.io/app@" + DIGEST + ": quay.io/dst@" + OTHER_DIGEST + "\n"))
                .hasMessage("images.yaml: \"quay.io/app@" + DIGEST + "\" -> \"quay.io/dst@" + OTHER_DIGEST
                        + "\": the digest of source (" + DIGEST + ") and destination (" + OTHER_DIGEST + ") must match");
        assertThatThrownBy(() -> fromYaml("quay.io/app:v1: quay.io/dst@" + DIGEST + "\n"))
                .hasMessage("images.yaml: \"quay.io/app:v1\" -> \"quay.io/dst@" + DIGEST
                        + "\": a destination digest needs a source with the same digest");
    }

    @Test
    void the_same_digest_on_both_sides_is_fine() {
        SyncRule rule = fromYaml("quay.io/app@" + DIGEST + ": quay.io/dst@" + DIGEST + "\n").rules().get(0);

        assertThat(rule.pairs()).containsExactly(new ImageCopyJob(ImageReference.parse("quay.io/app@" + DIGEST),
                List.of(ImageReference.parse("quay.io/dst@" + DIGEST))));
    }

    @Test
    void a_destination_cannot_be_a_regex() {
        assertThatThrownBy(() -> fromYaml("quay.io/app: quay.io/dst:/a/\n"))
                .hasMessage("images.yaml: \"quay.io/app\" -> \"quay.io/dst:/a/\": a destination cannot be a tag regex");
    }

    @Test
    void a_destination_must_be_a_string_or_a_list_of_strings() {
        assertThatThrownBy(() -> fromYaml("quay.io/app: 42\n"))
                .hasMessage("images.yaml: \"quay.io/app\": destination must be a string or a list of strings, found a number");
        assertThatThrownBy(() -> fromYaml("quay.io/app: {quay.io/dst: x}\n")).as("a map is the long form")
                .hasMessage("images.yaml: \"quay.io/app\": unknown key \"quay.io/dst\" (a rule's keys are to, tags, "
                        + "repositories, skipExisting, referrers)");
        assertThatThrownBy(() -> fromYaml("quay.io/app: {to: {quay.io/dst: x}}\n"))
                .hasMessage("images.yaml: \"quay.io/app\": destination must be a string or a list of strings, found a map");
        assertThatThrownBy(() -> fromYaml("quay.io/app: [quay.io/dst, true]\n"))
                .hasMessage("images.yaml: \"quay.io/app\": destination 2 of the list must be a string, found a boolean");
    }

    @Test
    void an_empty_destination_list_is_an_error() {
        assertThatThrownBy(() -> fromYaml("quay.io/app: []\n"))
                .hasMessage("images.yaml: \"quay.io/app\": empty destination list");
    }

    @Test
    void an_empty_source_is_an_error() {
        assertThatThrownBy(() -> fromYaml("\"\": quay.io/dst\n"))
                .hasMessage("images.yaml: \"\": empty source");
    }

    @Test
    void repeated_destinations_are_dropped() {
        SyncRule rule = fromYaml("""
                nginx:1.25:
                  - quay.io/mirror/nginx
                  - quay.io/mirror/nginx
                  - docker.io/library/nginx-copy
                  - nginx-copy
                """).rules().get(0);

        assertThat(rule.destinations()).containsExactly(dest("quay.io/mirror/nginx"), dest("nginx-copy"));
        assertThat(rule.destinationNames()).containsExactly("quay.io/mirror/nginx", "docker.io/library/nginx-copy");
    }

    @Test
    void an_empty_destination_without_defaults_is_an_error() {
        Path file = write(dir, "images.json", "{\"src\": \"\"}");

        assertThatThrownBy(() -> ImagesConfig.load(file, Map.of(), NO_DEFAULTS))
                .hasMessage(file + ": \"src\": empty destination needs --registry and --namespace"
                        + " (or DEFAULT_REGISTRY and DEFAULT_NAMESPACE)");
        assertThatThrownBy(() -> ImagesConfig.load(file, Map.of(), new DefaultDestination("reg.io", " ")))
                .hasMessage(file + ": \"src\": empty destination needs --registry and --namespace"
                        + " (or DEFAULT_REGISTRY and DEFAULT_NAMESPACE)");
    }

    @Test
    void an_empty_destination_with_defaults_goes_to_registry_namespace_and_the_last_path_element() {
        ImagesConfig images = ImagesConfig.fromTree(ConfigFormat.YAML.parse("""
                quay.io/coreos/kube-rbac-proxy:v1: ""
                nginx: ""
                harbor.example.com/library/redis@%s: ""
                quay.io/a/b/c:/^v/:
                """.formatted(DIGEST), "images.yaml"), "images.yaml", Map.of(),
                new DefaultDestination("registry.cn-beijing.aliyuncs.com", "ruohe"));

        assertThat(images.rules()).extracting(rule -> rule.destinations().get(0)).containsExactly(
                dest("registry.cn-beijing.aliyuncs.com/ruohe/kube-rbac-proxy"),
                dest("registry.cn-beijing.aliyuncs.com/ruohe/nginx"),
                dest("registry.cn-beijing.aliyuncs.com/ruohe/redis"),
                dest("registry.cn-beijing.aliyuncs.com/ruohe/c"));
        assertThat(images.rules().get(0).pairs()).containsExactly(new ImageCopyJob(
                ImageReference.parse("quay.io/coreos/kube-rbac-proxy:v1"),
                List.of(ImageReference.parse("registry.cn-beijing.aliyuncs.com/ruohe/kube-rbac-proxy:v1"))));
        assertThat(images.rules().get(2).pairs().get(0).targets())
                .containsExactly(ImageReference.parse("registry.cn-beijing.aliyuncs.com/ruohe/redis@" + DIGEST));
    }

    @Test
    void invalid_defaults_are_named() {
        assertThatThrownBy(() -> ImagesConfig.fromTree(ConfigFormat.YAML.parse("nginx: \"\"\n", "images.yaml"),
                "images.yaml", Map.of(), new DefaultDestination("reg.io", "Team")))
                .hasMessage("images.yaml: \"nginx\": default destination reg.io/Team: invalid repository name"
                        + " 'Team/nginx' (lowercase letters, digits and . _ - separators, components joined by '/')");
    }

    @Test
    void default_destination_flags_win_over_the_environment() {
        Map<String, String> env = Map.of("DEFAULT_REGISTRY", "env.io", "DEFAULT_NAMESPACE", "envns");

        assertThat(DefaultDestination.resolve(null, null, env)).isEqualTo(new DefaultDestination("env.io", "envns"));
        assertThat(DefaultDestination.resolve("flag.io", null, env)).isEqualTo(new DefaultDestination("flag.io", "envns"));
        assertThat(DefaultDestination.resolve(null, null, Map.of()).isComplete()).isFalse();
        assertThat(DefaultDestination.none().isComplete()).isFalse();
    }

    @Test
    void destinations_are_expanded_from_the_environment() {
        Map<String, String> env = Map.of("MIRROR", "registry.example.com/mirror", "TAG", "v2");
        ImagesConfig images = ImagesConfig.fromTree(ConfigFormat.YAML.parse(
                "quay.io/app:v1: [\"${MIRROR}/app\", \"$MIRROR/app2:${TAG}\"]\n", "images.yaml"), "images.yaml", env,
                NO_DEFAULTS);

        assertThat(images.rules().get(0).destinations())
                .containsExactly(dest("registry.example.com/mirror/app"), dest("registry.example.com/mirror/app2", "v2"));
    }

    @Test
    void a_source_is_never_expanded() {
        Map<String, String> env = Map.of("REG", "quay.io");

        assertThatThrownBy(() -> ImagesConfig.fromTree(ConfigFormat.YAML.parse("$REG/app: quay.io/dst\n", "images.yaml"),
                "images.yaml", env, NO_DEFAULTS))
                .hasMessageStartingWith("images.yaml: \"$REG/app\": invalid image reference '$REG/app': ");
    }

    @Test
    void a_destination_that_expands_to_nothing_is_an_error_and_one_whose_variable_is_not_set_stays_as_written() {
        assertThatThrownBy(() -> ImagesConfig.fromTree(ConfigFormat.YAML.parse("quay.io/app: $EMPTY\n", "images.yaml"),
                "images.yaml", Map.of("EMPTY", ""), NO_DEFAULTS))
                .hasMessage("images.yaml: \"quay.io/app\" -> \"$EMPTY\": empty after expanding environment variables");
        assertThatThrownBy(() -> fromYaml("quay.io/app: $UNSET\n"))
                .hasMessageStartingWith("images.yaml: \"quay.io/app\" -> \"$UNSET\": ")
                .hasMessageContaining("'$UNSET'");
    }

    @Test
    void the_file_must_be_a_map() {
        Path file = write(dir, "images.yaml", "- quay.io/app\n");

        assertThatThrownBy(() -> ImagesConfig.load(file, Map.of(), NO_DEFAULTS))
                .hasMessage(file + ": expected a map of source image to destination image(s), found a list");
    }

    @Test
    void a_duplicate_source_is_an_error() {
        Path file = write(dir, "images.yaml", "quay.io/app: quay.io/a\nquay.io/app: quay.io/b\n");

        assertThatThrownBy(() -> ImagesConfig.load(file, Map.of(), NO_DEFAULTS))
                .hasMessage(file + ": not valid YAML at line 2, column 12: duplicate key \"quay.io/app\"");
    }

    private static ImagesConfig fromYaml(String yaml) {
        return ImagesConfig.fromTree(ConfigFormat.YAML.parse(yaml, "images.yaml"), "images.yaml", Map.of(), NO_DEFAULTS);
    }

    private static SyncRule rule(String file, String source, Selection selection, Destination... destinations) {
        String repository = source.split("[:@,]", 2)[0];
        return new SyncRule(file, source, ImageReference.parse(repository).repository(), selection, List.of(destinations));
    }

    static Destination dest(String repository, String... tags) {
        return new Destination(ImageReference.parse(repository).repository(), List.of(tags), null);
    }

    @Test
    void the_long_form_sets_destinations_tag_filters_skip_existing_and_referrers() {
        Path file = write(dir, "images.yaml", """
                quay.io/coreos/etcd:
                  to: [harbor.lab/mirror/etcd, registry.lab:5000/etcd]
                  tags:
                    include: ['^v3\\.', '^latest$']
                    exclude: -rc
                    semver: '>=3.4.0 <4'
                    latest: 5
                  skipExisting: true
                  referrers: false
                quay.io/coreos/etcd:v3.5.0: harbor.lab/mirror/pinned
                """);

        List<SyncRule> rules = ImagesConfig.load(file, Map.of(), NO_DEFAULTS).rules();

        assertThat(rules.get(0).destinationNames()).containsExactly("harbor.lab/mirror/etcd", "registry.lab:5000/etcd");
        assertThat(rules.get(0).options()).isEqualTo(new RuleOptions(new TagFilter(
                TagFilter.patterns(List.of("^v3\\.", "^latest$"), "include"), TagFilter.patterns(List.of("-rc"),
                "exclude"), ">=3.4.0 <4", 5), true, false));
        assertThat(rules.get(1).options()).isEqualTo(RuleOptions.NONE);
    }

    @Test
    void a_long_form_that_cannot_work_is_one_line_naming_the_file_entry_and_key() {
        assertThatThrownBy(() -> ImagesConfig.load(write(dir, "a.yaml", "quay.io/app:\n  dest: harbor.lab/app\n"),
                Map.of(), NO_DEFAULTS)).hasMessageContaining("\"quay.io/app\": unknown key \"dest\" (a rule's keys "
                + "are to, tags, repositories, skipExisting, referrers)");
        assertThatThrownBy(() -> ImagesConfig.load(write(dir, "b.yaml", "quay.io/app:\n  tags: {latest: 2}\n"),
                Map.of(), NO_DEFAULTS)).hasMessageContaining("needs \"to\"");
        assertThatThrownBy(() -> ImagesConfig.load(write(dir, "c.yaml",
                "quay.io/app:v1,v2:\n  to: harbor.lab/app\n  tags: {exclude: x}\n"), Map.of(), NO_DEFAULTS))
                .hasMessageContaining("a tag list or a digest is copied as written");
        assertThatThrownBy(() -> ImagesConfig.load(write(dir, "d.yaml",
                "quay.io/app:\n  to: harbor.lab/app\n  tags: {semver: 'soon'}\n"), Map.of(), NO_DEFAULTS))
                .hasMessageContaining("tags.semver: 'soon' is not a version range");
        assertThatThrownBy(() -> ImagesConfig.load(write(dir, "e.yaml",
                "quay.io/app:\n  to: harbor.lab/app\n  skipExisting: yes please\n"), Map.of(), NO_DEFAULTS))
                .hasMessageContaining("\"skipExisting\" must be true or false");
    }

    @Test
    void a_whole_layout_is_a_namespace_source_and_a_layout_a_namespace_destination() {
        Path file = write(dir, "images.yaml", """
                oci:/media/usb/mirror: registry.lab/restored
                oci-archive:/media/usb/mirror.tar: registry.lab/from-tar
                registry.lab:5000/**: oci:/media/usb/mirror
                harbor.lab/team/*: oci-archive:/media/usb/team.tar:team
                """);

        List<SyncRule> rules = ImagesConfig.load(file, Map.of(), NO_DEFAULTS).rules();

        assertThat(rules).extracting(SyncRule::namespace).extracting(Namespace::toString).containsExactly(
                "oci:/media/usb/mirror", "oci-archive:/media/usb/mirror.tar", "registry.lab:5000/**",
                "harbor.lab/team/*");
        assertThat(rules.get(0).inRepository("team/app").destinationNames())
                .containsExactly("registry.lab/restored/team/app");
        assertThat(rules.get(1).inRepository("team/app").repository().toString())
                .isEqualTo("oci-archive:/media/usb/mirror.tar:team/app");
        assertThat(rules.get(2).inRepository("team/app").destinationNames())
                .as("each repository keeps its path in the layout").containsExactly("oci:/media/usb/mirror:team/app");
        assertThat(rules.get(3).inRepository("team/app").destinationNames())
                .containsExactly("oci-archive:/media/usb/team.tar:team/app");
    }

    @Test
    void an_image_of_a_layout_named_without_a_repository_is_read_as_that_ref_as_skopeo_names_them()
            throws Exception {
        Path layout = dir.resolve("theirs");
        try (dev.imagesyncer.layout.OciLayout written = dev.imagesyncer.layout.OciLayout.write(layout)) {
            byte[] manifest = "{\"schemaVersion\":2,\"layers\":[]}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            written.putManifest(dev.imagesyncer.registry.Manifest.of(manifest,
                    dev.imagesyncer.registry.MediaTypes.OCI_MANIFEST), "1.0");
            written.putManifest(dev.imagesyncer.registry.Manifest.of(manifest,
                    dev.imagesyncer.registry.MediaTypes.OCI_MANIFEST), "V2");
        }
        Path file = write(dir, "images.yaml", "oci:" + layout + ":1.0: registry.lab/app\n"
                + "oci:" + layout + ":app: registry.lab/app2\n" + "oci:" + layout + ":V2: registry.lab/app3\n");

        List<SyncRule> rules = ImagesConfig.load(file, Map.of(), NO_DEFAULTS).rules();

        assertThat(rules.get(0).repository().path()).as("the entry 1.0, not a repository called 1.0").isEmpty();
        assertThat(rules.get(0).selection()).isEqualTo(Selection.tags(List.of("1.0")));
        assertThat(rules.get(0).pairs(List.of()).get(0).source().toString()).isEqualTo("oci:" + layout + "::1.0");
        assertThat(rules.get(0).destinationNames()).containsExactly("registry.lab/app");
        assertThat(rules.get(1).repository().path()).as("no entry app: the repository app").isEqualTo("app");
        assertThat(rules.get(2).selection()).as("a tag no repository could be named")
                .isEqualTo(Selection.tags(List.of("V2")));
        Path noDefault = write(dir, "default.yaml", "oci:" + layout + ":1.0: \"\"\n");
        assertThatThrownBy(() -> ImagesConfig.load(noDefault, Map.of(), new DefaultDestination("r.lab", "ns")))
                .hasMessageContaining("an image of an OCI layout needs its destination written out");
    }

    @Test
    void an_archive_that_a_run_both_reads_and_writes_is_refused_naming_the_rule() {
        Path file = write(dir, "images.yaml", """
                oci-archive:/media/usb/in.tar: registry.lab/restored
                registry.lab/team/app: oci-archive:/media/usb/./in.tar:team/app
                """);

        assertThatThrownBy(() -> ImagesConfig.load(file, Map.of(), NO_DEFAULTS))
                .hasMessageContaining("registry.lab/team/app").hasMessageContaining("also a source of the run");
    }

    @Test
    void a_namespace_source_names_repositories_under_a_prefix_and_its_destinations_are_prefixes() {
        Path file = write(dir, "images.yaml", """
                harbor.lab/team/*: registry.lab/mirror
                harbor.lab/team/**: registry.lab/deep
                registry.lab:5000/**:
                  to: registry.lab/all
                  repositories: {include: '^team/', exclude: [tools]}
                """);

        List<SyncRule> rules = ImagesConfig.load(file, Map.of(), NO_DEFAULTS).rules();

        assertThat(rules).extracting(SyncRule::namespace).extracting(Namespace::toString)
                .containsExactly("harbor.lab/team/*", "harbor.lab/team/**", "registry.lab:5000/**");
        assertThat(rules.get(0).namespace().below("team/app")).isEqualTo("app");
        assertThat(rules.get(0).namespace().below("team/tools/cli")).isNull();
        assertThat(rules.get(1).namespace().below("team/tools/cli")).isEqualTo("tools/cli");
        assertThat(rules.get(1).namespace().below("teams/app")).isNull();
        assertThat(rules.get(2).namespace().below("team/app")).isEqualTo("team/app");
        assertThat(rules.get(2).namespace().below("team/tools/cli")).isNull();
        assertThat(rules.get(2).namespace().below("other/app")).isNull();
        assertThat(rules.get(1).inRepository("team/tools/cli").destinationNames())
                .containsExactly("registry.lab/deep/tools/cli");
    }

    @Test
    void a_namespace_with_a_tag_or_a_destination_with_a_tag_is_refused() {
        assertThatThrownBy(() -> fromYaml("harbor.lab/team/*:v1: registry.lab/mirror\n"))
                .hasMessageContaining("names repositories, not tags");
        assertThatThrownBy(() -> fromYaml("harbor.lab/team/*: registry.lab/mirror:v1\n"))
                .hasMessageContaining("a namespace's destination is a prefix");
        assertThatThrownBy(() -> fromYaml("team/*: registry.lab/mirror\n"))
                .hasMessageContaining("a namespace starts with its registry host");
        assertThatThrownBy(() -> fromYaml("harbor.lab/app:\n  to: registry.lab/app\n  repositories: {include: x}\n"))
                .hasMessageContaining("this source is one repository");
    }
}

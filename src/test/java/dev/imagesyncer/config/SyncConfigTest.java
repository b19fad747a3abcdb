package dev.imagesyncer.config;

import dev.imagesyncer.registry.ImageReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.imagesyncer.config.ConfigFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SyncConfigTest {

    /** examples/config.json of image-syncer, as in IMAGE-SYNCER.md §2.4. */
    private static final String LEGACY_JSON = """
            {
              "auth":   { "quay.io": {"username": "xxx", "password": "xxxxxxxxx", "insecure": true},
                          "docker.io": {"username": "xxx", "password": "xxxxxxxxxx"} },
              "images": { "quay.io/coreos/kube-rbac-proxy": "quay.io/ruohe/kube-rbac-proxy",
                          "quay.io/coreos/kube-rbac-proxy:v1.0,v2.0": "quay.io/ruohe/kube-rbac-proxy" }
            }
            """;

    private static final String LEGACY_YAML = """
            auth:
              quay.io:
                username: xxx
                password: xxxxxxxxx
                insecure: true
              docker.io:
                username: xxx
                password: xxxxxxxxxx
            images:
              quay.io/coreos/kube-rbac-proxy: quay.io/ruohe/kube-rbac-proxy
              quay.io/coreos/kube-rbac-proxy:v1.0,v2.0: quay.io/ruohe/kube-rbac-proxy
            """;

    @TempDir
    Path dir;

    @Test
    void reads_the_documented_legacy_config_in_json_and_yaml() {
        SyncConfig json = SyncConfig.load(write(dir, "config.json", LEGACY_JSON), null, null, Map.of(),
                DefaultDestination.none());
        SyncConfig yaml = SyncConfig.load(write(dir, "image-syncer.yaml", LEGACY_YAML), null, null, Map.of(),
                DefaultDestination.none());

        for (SyncConfig config : List.of(json, yaml)) {
            assertThat(config.auth().entries()).containsExactly(
                    Map.entry("quay.io", new RegistryAuth("xxx", "xxxxxxxxx", true)),
                    Map.entry("docker.io", new RegistryAuth("xxx", "xxxxxxxxxx", false)));
            assertThat(config.images().rules()).extracting(SyncRule::source)
                    .containsExactly("quay.io/coreos/kube-rbac-proxy", "quay.io/coreos/kube-rbac-proxy:v1.0,v2.0");
            assertThat(config.images().rules().get(1).pairs()).extracting(job -> job.targets().get(0))
                    .containsExactly(ImageReference.parse("quay.io/ruohe/kube-rbac-proxy:v1.0"),
                            ImageReference.parse("quay.io/ruohe/kube-rbac-proxy:v2.0"));
        }
    }

    @Test
    void cluster_mode_refuses_a_layout_or_archive_source_or_destination_in_one_line_naming_the_rule() {
        Path images = write(dir, "images.yaml", "ghcr.io/a: quay.io/m/a\nghcr.io/b: oci-archive:/media/m.tar:b\n");
        Path fromLayout = write(dir, "from.yaml", "ghcr.io/a: quay.io/m/a\noci:/media/m: quay.io/m\n");

        assertThatThrownBy(SyncConfig.load(null, null, images, Map.of(), DefaultDestination.none())::refuseLayouts)
                .isInstanceOf(ConfigException.class)
                .hasMessage("rule 2: oci-archive:/media/m.tar:b is on this machine's disk, which the other instances "
                        + "of the cluster cannot reach: copy from or to an OCI layout or archive without "
                        + "sync.cluster.brokerUrl");
        assertThatThrownBy(SyncConfig.load(null, null, fromLayout, Map.of(), DefaultDestination.none())::refuseLayouts)
                .hasMessageStartingWith("rule 2: oci:/media/m is on this machine's disk");
        SyncConfig.load(null, null, write(dir, "fine.yaml", "ghcr.io/a: quay.io/m/a\n"), Map.of(),
                DefaultDestination.none()).refuseLayouts();
    }

    @Test
    void the_legacy_config_wins_over_auth_and_images() {
        Path config = write(dir, "config.json", LEGACY_JSON);
        Path auth = write(dir, "auth.json", "{\"ghcr.io\": {}}");
        Path images = write(dir, "images.json", "{\"ghcr.io/a\": \"ghcr.io/b\"}");

        SyncConfig loaded = SyncConfig.load(config, auth, images, Map.of(), DefaultDestination.none());

        assertThat(loaded.auth().entries()).containsOnlyKeys("quay.io", "docker.io");
        assertThat(loaded.images().rules()).hasSize(2);
    }

    @Test
    void the_legacy_auth_section_is_not_expanded_but_its_destinations_are() {
        Path config = write(dir, "config.json", """
                {"auth": {"harbor.example.com": {"username": "robot$proj+ci", "password": "${PW}"}},
                 "images": {"harbor.example.com/library/nginx": "${MIRROR}/nginx"}}
                """);

        SyncConfig loaded = SyncConfig.load(config, null, null, Map.of("PW", "secret", "MIRROR", "quay.io/m"),
                DefaultDestination.none());

        assertThat(loaded.auth().entries().get("harbor.example.com"))
                .isEqualTo(new RegistryAuth("robot$proj+ci", "${PW}", false));
        assertThat(loaded.images().rules().get(0).destinationNames()).containsExactly("quay.io/m/nginx");
    }

    @Test
    void the_legacy_config_uses_the_default_destination_for_empty_strings() {
        Path config = write(dir, "harbor-to-acr.json",
                "{\"images\": {\"harbor.example.com/library/nginx\": \"\"}}");

        SyncConfig loaded = SyncConfig.load(config, null, null, Map.of(),
                new DefaultDestination("registry.cn-beijing.aliyuncs.com", "image-syncer"));

        assertThat(loaded.auth().entries()).isEmpty();
        assertThat(loaded.images().rules().get(0).destinationNames())
                .containsExactly("registry.cn-beijing.aliyuncs.com/image-syncer/nginx");
    }

    @Test
    void auth_and_images_files_in_json_and_yaml() {
        Path auth = write(dir, "auth.yml", "quay.io:\n  username: $QUAY_USER\n  password: ${QUAY_PASSWORD}\n");
        Path images = write(dir, "images.json", "{\"quay.io/a:v1\": [\"quay.io/b\", \"quay.io/c\"]}");

        SyncConfig loaded = SyncConfig.load(null, auth, images, Map.of("QUAY_USER", "u", "QUAY_PASSWORD", "p"),
                DefaultDestination.none());

        assertThat(loaded.auth().entries()).containsExactly(Map.entry("quay.io", new RegistryAuth("u", "p", false)));
        assertThat(loaded.images().rules().get(0).destinationNames()).containsExactly("quay.io/b", "quay.io/c");
    }

    @Test
    void the_auth_file_is_optional() {
        Path images = write(dir, "images.yaml", "quay.io/a: quay.io/b\n");

        SyncConfig loaded = SyncConfig.load(null, null, images, Map.of(), DefaultDestination.none());

        assertThat(loaded.auth().entries()).isEmpty();
        assertThat(loaded.images().rules()).hasSize(1);
    }

    @Test
    void a_given_auth_file_must_exist() {
        Path images = write(dir, "images.yaml", "quay.io/a: quay.io/b\n");
        Path auth = dir.resolve("auth.yaml");

        assertThatThrownBy(() -> SyncConfig.load(null, auth, images, Map.of(), DefaultDestination.none()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(auth + ": no such file");
    }

    @Test
    void neither_config_nor_images_is_an_error() {
        Path auth = write(dir, "auth.yaml", "quay.io: {}\n");

        assertThatThrownBy(() -> SyncConfig.load(null, auth, null, Map.of(), DefaultDestination.none()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("neither --images, --src/--dest nor --config is given");
    }

    @Test
    void a_legacy_config_with_an_unknown_key_is_an_error() {
        Path config = write(dir, "config.yaml", "auth: {}\nimage:\n  quay.io/a: quay.io/b\n");

        assertThatThrownBy(() -> SyncConfig.load(config, null, null, Map.of(), DefaultDestination.none()))
                .hasMessage(config + ": unknown key \"image\" (expected auth, images)");
    }

    @Test
    void a_legacy_config_needs_images() {
        Path config = write(dir, "config.yaml", "auth:\n  quay.io: {}\n");

        assertThatThrownBy(() -> SyncConfig.load(config, null, null, Map.of(), DefaultDestination.none()))
                .hasMessage(config + ": no \"images\" section");
    }

    @Test
    void legacy_sections_must_be_maps() {
        Path badImages = write(dir, "a.json", "{\"images\": [\"quay.io/a\"]}");
        Path badAuth = write(dir, "b.json", "{\"auth\": \"quay.io\", \"images\": {}}");
        Path notAMap = write(dir, "c.json", "[]");

        assertThatThrownBy(() -> SyncConfig.load(badImages, null, null, Map.of(), DefaultDestination.none()))
                .hasMessage(badImages + ": \"images\": expected a map of source image to destination image(s), found a list");
        assertThatThrownBy(() -> SyncConfig.load(badAuth, null, null, Map.of(), DefaultDestination.none()))
                .hasMessage(badAuth + ": \"auth\": expected a map of registry to {username, password, insecure, ca},"
                        + " found a string");
        assertThatThrownBy(() -> SyncConfig.load(notAMap, null, null, Map.of(), DefaultDestination.none()))
                .hasMessage(notAMap + ": expected a map with \"auth\" and \"images\" keys, found a list");
    }

    @Test
    void errors_in_a_legacy_section_name_the_config_file() {
        Path config = write(dir, "config.json", "{\"auth\": {\"quay.io\": {\"pass\": \"x\"}}, \"images\": {}}");

        assertThatThrownBy(() -> SyncConfig.load(config, null, null, Map.of(), DefaultDestination.none()))
                .hasMessage(config + ": \"quay.io\": unknown field \"pass\" (expected username, password, insecure, ca)");
    }
}

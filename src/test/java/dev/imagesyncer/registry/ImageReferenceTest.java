package dev.imagesyncer.registry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageReferenceTest {

    private static final String DIGEST = "sha256:" + "ab".repeat(32);

    @ParameterizedTest
    @CsvSource({
            "nginx,                          docker.io, library/nginx,   ,       latest",
            "nginx:1.25,                     docker.io, library/nginx,   1.25,   1.25",
            "bitnami/redis:7,                docker.io, bitnami/redis,   7,      7",
            "docker.io/nginx,                docker.io, library/nginx,   ,       latest",
            "index.docker.io/library/nginx,  docker.io, library/nginx,   ,       latest",
            "localhost/app:v1,               localhost, app,             v1,     v1",
            "127.0.0.1:5000/lab/app:v1,      127.0.0.1:5000, lab/app,    v1,     v1",
            "quay.io/org/team/app,           quay.io,   org/team/app,    ,       latest",
            "registry.example.com:8443/a/b_c--d.e:tag_1.0-rc,  registry.example.com:8443, a/b_c--d.e, tag_1.0-rc, tag_1.0-rc",
    })
    void parses_and_normalises_like_docker(String text, String registry, String path, String tag, String reference) {
        ImageReference image = ImageReference.parse(text);

        assertThat(image.repository().registry()).isEqualTo(registry);
        assertThat(image.repository().path()).isEqualTo(path);
        assertThat(image.tag()).isEqualTo(tag);
        assertThat(image.reference()).isEqualTo(reference);
    }

    @Test
    void an_image_in_an_oci_layout_keeps_its_directory_repository_and_tag_and_reads_back_as_written() {
        ImageReference image = ImageReference.parse("oci:/media/usb/mirror:team/app:1.0");

        assertThat(image.repository().isLayout()).isTrue();
        assertThat(image.repository().registry()).isEqualTo("oci:/media/usb/mirror");
        assertThat(image.repository().path()).isEqualTo("team/app");
        assertThat(image.tag()).isEqualTo("1.0");
        assertThat(image.toString()).isEqualTo("oci:/media/usb/mirror:team/app:1.0");
        assertThat(ImageReference.parse(image.toString())).isEqualTo(image);
        assertThat(ImageReference.parse("registry.lab:5000/team/app:1.0").repository().isLayout()).isFalse();
    }

    @Test
    void an_image_in_an_archive_and_an_entry_without_a_repository_read_back_as_written() {
        ImageReference archived = ImageReference.parse("oci-archive:/media/usb/mirror.tar:team/app:1.0");
        ImageReference bare = ImageReference.parse("oci:/media/usb/theirs::1.0");

        assertThat(archived.repository().isArchive()).isTrue();
        assertThat(archived.repository().layoutLocation()).isEqualTo("/media/usb/mirror.tar");
        assertThat(archived.repository().path()).isEqualTo("team/app");
        assertThat(ImageReference.parse(archived.toString())).isEqualTo(archived);
        assertThat(bare.repository().path()).isEmpty();
        assertThat(bare.tag()).isEqualTo("1.0");
        assertThat(ImageReference.parse(bare.toString())).isEqualTo(bare);
        assertThat(ImageReference.parse("oci-archive:5000/team/app").repository().isLayout())
                .as("a registry host called oci-archive with its port").isFalse();
        assertThatThrownBy(() -> ImageReference.parse("oci:/media/usb/theirs::"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_registry_host_called_oci_with_a_port_is_still_a_registry() {
        ImageReference image = ImageReference.parse("oci:5000/team/app:1.0");

        assertThat(image.repository().isLayout()).isFalse();
        assertThat(image.repository().registry()).isEqualTo("oci:5000");
        assertThat(image.repository().path()).isEqualTo("team/app");
        assertThat(image.toString()).isEqualTo("oci:5000/team/app:1.0");
    }

    @Test
    void docker_hub_is_served_from_its_api_host() {
        assertThat(ImageReference.parse("nginx").repository().apiHost()).isEqualTo("registry-1.docker.io");
        assertThat(ImageReference.parse("ghcr.io/a/b").repository().apiHost()).isEqualTo("ghcr.io");
    }

    @Test
    void a_digest_wins_over_the_tag_as_reference() {
        ImageReference image = ImageReference.parse("127.0.0.1:5000/lab/app:v1@" + DIGEST);

        assertThat(image.tag()).isEqualTo("v1");
        assertThat(image.digest()).isEqualTo(Digest.parse(DIGEST));
        assertThat(image.reference()).isEqualTo(DIGEST);
        assertThat(image).hasToString("127.0.0.1:5000/lab/app:v1@" + DIGEST);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Nginx", "lab/App:v1", "reg.io/a//b", "reg.io/a:-bad", "reg.io/a@sha256:abc",
            "reg.io/a@md5:ab",
            "reg.io/a:ttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt",
            "reg.io/-a"})
    void rejects_invalid_references_naming_them(String text) {
        assertThatThrownBy(() -> ImageReference.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(text.isEmpty() ? "empty image reference" : "invalid image reference '" + text + "'");
    }
}

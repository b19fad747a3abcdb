package dev.imagesyncer.registry;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ManifestTest {

    private static final String A = "sha256:" + "a".repeat(64);
    private static final String B = "sha256:" + "b".repeat(64);
    private static final String C = "sha256:" + "c".repeat(64);

    @Test
    void an_image_manifest_lists_config_then_layers_once_each_and_keeps_its_bytes() {
        String json = """
                {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
                 "config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"%s","size":10},
                 "layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","digest":"%s","size":20},
                           {"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","digest":"%s","size":20},
                           {"mediaType":"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip","digest":"%s",
                            "size":30,"urls":["https://example.com/layer"]}]}
                """.formatted(A, B, B, C);
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        Manifest manifest = Manifest.of(bytes, MediaTypes.DOCKER_MANIFEST_V2);

        assertThat(manifest.isIndex()).isFalse();
        assertThat(manifest.children()).isEmpty();
        assertThat(manifest.blobs()).extracting(d -> d.digest().toString()).containsExactly(A, B, C);
        assertThat(manifest.blobs()).extracting(Descriptor::isForeign).containsExactly(false, false, true);
        assertThat(manifest.bytes()).isSameAs(bytes);
        assertThat(manifest.digest()).isEqualTo(Digest.sha256(bytes));
    }

    @Test
    void an_index_lists_its_children_with_platforms() {
        String json = """
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
                 {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":500,
                  "platform":{"os":"linux","architecture":"amd64"}},
                 {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":501,
                  "platform":{"os":"linux","architecture":"arm64","variant":"v8"}}]}
                """.formatted(A, B);
        Manifest index = Manifest.of(json.getBytes(StandardCharsets.UTF_8), MediaTypes.OCI_INDEX);

        assertThat(index.isIndex()).isTrue();
        assertThat(index.blobs()).isEmpty();
        assertThat(index.children()).extracting(d -> d.platform().toString())
                .containsExactly("linux/amd64", "linux/arm64/v8");
        assertThat(index.children()).extracting(Descriptor::size).containsExactly(500L, 501L);
    }

    @Test
    void a_schema1_manifest_names_its_layers_by_blob_sum() {
        String json = """
                {"schemaVersion":1,"name":"lab/old","tag":"v1","architecture":"amd64",
                 "fsLayers":[{"blobSum":"%s"},{"blobSum":"%s"},{"blobSum":"%s"}],"history":[]}
                """.formatted(A, B, A);
        Manifest manifest = Manifest.of(json.getBytes(StandardCharsets.UTF_8), MediaTypes.DOCKER_MANIFEST_V1);

        assertThat(manifest.blobs()).extracting(d -> d.digest().toString()).containsExactly(A, B);
        assertThat(manifest.blobs()).extracting(Descriptor::size).containsOnly(-1L);
    }

    @Test
    void refuses_media_types_it_cannot_copy() {
        assertThatThrownBy(() -> Manifest.of(new byte[0], "application/json"))
                .hasMessageContaining("unsupported manifest media type 'application/json'");
    }
}

package dev.imagesyncer.layout;

import dev.imagesyncer.registry.Digest;
import dev.imagesyncer.registry.DigestMismatchException;
import dev.imagesyncer.registry.Manifest;
import dev.imagesyncer.registry.MediaTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The OCI image layout as a store: what it writes, how it refuses bad bytes and a second writer. */
class OciLayoutTest {

    @TempDir
    Path dir;

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Manifest image(Digest config, Digest layer) {
        return Manifest.of(bytes("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + config
                + "\",\"size\":2},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
                + "\"digest\":\"" + layer + "\",\"size\":5}]}"), MediaTypes.OCI_MANIFEST);
    }

    @Test
    void an_image_written_under_a_repository_qualified_name_is_found_and_the_layout_validates() throws Exception {
        Path root = dir.resolve("mirror");
        Digest config = Digest.sha256(bytes("{}"));
        Digest layer = Digest.sha256(bytes("layer"));
        Manifest manifest = image(config, layer);
        try (OciLayout layout = OciLayout.write(root)) {
            assertThat(layout.writeBlob(config, -1, Layout.bytes(bytes("{}")))).isEqualTo(2);
            layout.writeBlob(layer, -1, Layout.bytes(bytes("layer")));
            layout.putManifest(manifest, "team/app:1.0");
            layout.putManifest(manifest, "team/app:1.0"); // a second run: one entry still
            assertThat(layout.writeBlob(layer, -1, Layout.bytes(bytes("layer")))).isZero();
        }

        try (OciLayout layout = OciLayout.read(root)) {
            assertThat(layout.refNames()).containsExactly("team/app:1.0");
            assertThat(layout.index().find("team/app:1.0")).hasValueSatisfying(found -> {
                assertThat(found.digest()).isEqualTo(manifest.digest());
                assertThat(found.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
            });
            assertThat(layout.readBlob(manifest.digest())).isEqualTo(manifest.bytes());
            assertThat(layout.validate()).isEmpty();
        }
        assertThat(Files.readString(root.resolve("oci-layout"))).contains("\"imageLayoutVersion\":\"1.0.0\"");
    }

    @Test
    void bytes_that_do_not_match_their_digest_leave_nothing_under_any_name() throws Exception {
        Path root = dir.resolve("mirror");
        Digest claimed = Digest.sha256(bytes("what was promised"));
        try (OciLayout layout = OciLayout.write(root)) {
            assertThatThrownBy(() -> layout.writeBlob(claimed, -1, Layout.bytes(bytes("what came"))))
                    .isInstanceOf(DigestMismatchException.class).hasMessageContaining(claimed.toString());
            assertThat(layout.hasBlob(claimed)).isFalse();
        }
        try (Stream<Path> files = Files.list(root.resolve("blobs").resolve("sha256"))) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void a_second_writer_is_refused_while_the_first_holds_the_lock() throws Exception {
        Path root = dir.resolve("mirror");
        try (OciLayout first = OciLayout.write(root)) {
            assertThatThrownBy(() -> OciLayout.write(root)).hasMessageContaining("another run is writing this layout");
        }
        OciLayout.write(root).close(); // released with the first
    }

    @Test
    void a_missing_blob_and_a_damaged_one_are_both_found_by_validate() throws Exception {
        Path root = dir.resolve("mirror");
        Digest config = Digest.sha256(bytes("{}"));
        Digest layer = Digest.sha256(bytes("layer"));
        try (OciLayout layout = OciLayout.write(root)) {
            layout.writeBlob(config, -1, Layout.bytes(bytes("{}")));
            layout.putManifest(image(config, layer), "app:1");
            Files.writeString(layout.blobPath(config), "{ }");
            Files.writeString(root.resolve("blobs/sha256/.partial-left-by-a-kill"), "half");

            assertThat(layout.validate()).hasSize(2)
                    .anySatisfy(problem -> assertThat(problem).contains(layer + " is referenced but not in the layout"))
                    .anySatisfy(problem -> assertThat(problem).contains("does not match its name"));
        }
    }

    @Test
    void a_directory_without_the_layout_files_is_not_read_as_a_layout() {
        assertThatThrownBy(() -> OciLayout.read(dir)).hasMessageContaining("not an OCI image layout");
    }
}

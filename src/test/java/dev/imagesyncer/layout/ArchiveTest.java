package dev.imagesyncer.layout;

import dev.imagesyncer.registry.Digest;
import dev.imagesyncer.registry.DigestMismatchException;
import dev.imagesyncer.registry.Manifest;
import dev.imagesyncer.registry.MediaTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An archive written in one pass, cut back when a blob fails, read back by random access; GNU tar agrees. */
class ArchiveTest {

    @TempDir
    Path dir;

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void a_blob_that_fails_is_cut_off_and_the_completed_archive_holds_the_rest_with_its_checksum() throws Exception {
        Path file = dir.resolve("media/mirror.tar");
        byte[] config = bytes("{}");
        byte[] layer = new byte[700_000]; // more than one read buffer, not a multiple of 512
        new java.util.Random(7).nextBytes(layer);
        Manifest manifest = Manifest.of(bytes("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST
                + "\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                + Digest.sha256(config) + "\",\"size\":2},\"layers\":[{\"mediaType\":\"application/vnd.oci.image."
                + "layer.v1.tar\",\"digest\":\"" + Digest.sha256(layer) + "\",\"size\":" + layer.length + "}]}"),
                MediaTypes.OCI_MANIFEST);
        Digest promised = Digest.sha256(bytes("what was promised"));

        try (ArchiveWriter writer = ArchiveWriter.create(file)) {
            long empty = writer.size();
            assertThatThrownBy(() -> writer.writeBlob(promised, 9, Layout.bytes(bytes("what came"))))
                    .isInstanceOf(DigestMismatchException.class);
            assertThat(writer.size()).as("the first blob's directory entries cut off with it").isEqualTo(empty);
            assertThat(writer.writeBlob(Digest.sha256(config), config.length, Layout.bytes(config)))
                    .isEqualTo(2);
            long before = writer.size();
            assertThatThrownBy(() -> writer.writeBlob(promised, 9, Layout.bytes(bytes("what came"))))
                    .isInstanceOf(DigestMismatchException.class);
            assertThatThrownBy(() -> writer.writeBlob(Digest.sha256(layer), layer.length + 1,
                    Layout.bytes(layer))).as("fewer bytes than the descriptor says")
                    .isInstanceOf(DigestMismatchException.class);
            assertThat(writer.size()).as("cut back to where the failed blobs started").isEqualTo(before);
            writer.writeBlob(Digest.sha256(layer), layer.length, Layout.bytes(layer));
            writer.putManifest(manifest, "team/app:1.0");
            assertThat(writer.readBlob(manifest.digest())).as("read back while written").isEqualTo(manifest.bytes());
            assertThat(file).doesNotExist();
            assertThat(dir.resolve("media/mirror.tar.part")).exists();

            String sha256 = writer.complete();

            assertThat(sha256).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(file))));
            assertThat(Files.readString(dir.resolve("media/mirror.tar.sha256"))).isEqualTo(sha256 + "  mirror.tar\n");
            assertThat(dir.resolve("media/mirror.tar.part")).doesNotExist();
        }
        try (ArchiveReader reader = ArchiveReader.open(file)) {
            assertThat(reader.index().refNames()).containsExactly("team/app:1.0");
            assertThat(reader.hasBlob(promised)).isFalse();
            try (InputStream in = reader.openBlob(Digest.sha256(layer))) {
                assertThat(in.readAllBytes()).isEqualTo(layer);
            }
            assertThat(reader.readBlob(manifest.digest())).isEqualTo(manifest.bytes());
        }
        assertThat(tarList(file)).containsExactly("oci-layout", "blobs/", "blobs/sha256/",
                "blobs/sha256/" + Digest.sha256(config).hex(), "blobs/sha256/" + Digest.sha256(layer).hex(),
                "blobs/sha256/" + manifest.digest().hex(), "index.json");
    }

    @Test
    void an_archive_left_unfinished_is_its_part_file_only_and_a_second_writer_is_refused() throws Exception {
        Path file = dir.resolve("mirror.tar");
        Files.writeString(file, "the archive of the last complete run");
        try (ArchiveWriter writer = ArchiveWriter.create(file)) {
            writer.writeBlob(Digest.sha256(bytes("{}")), 2, Layout.bytes(bytes("{}")));
            assertThatThrownBy(() -> ArchiveWriter.create(file)).hasMessageContaining("another run is writing");
            assertThat(dir.resolve("mirror.tar.part")).as("the second writer did not empty it").isNotEmptyFile();
        }
        assertThat(Files.readString(file)).isEqualTo("the archive of the last complete run");
        assertThat(dir.resolve("mirror.tar.part")).exists();
    }

    @Test
    void a_file_that_is_not_a_layout_archive_is_refused_in_words() throws Exception {
        Path file = dir.resolve("notes.tar");
        Files.writeString(file, "not a tar at all, just words that go on for a while ".repeat(20));
        assertThatThrownBy(() -> ArchiveReader.open(file)).hasMessageContaining(file.toString());
    }

    /** What GNU tar lists in the archive (it checks every header on the way). */
    private static List<String> tarList(Path file) throws Exception {
        Process tar = new ProcessBuilder("tar", "-tf", file.toString()).redirectErrorStream(true).start();
        String out = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tar.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue()).as(out).isZero();
        return out.lines().toList();
    }
}

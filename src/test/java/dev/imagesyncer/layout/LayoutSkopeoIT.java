package dev.imagesyncer.layout;

import dev.imagesyncer.registry.Digest;
import dev.imagesyncer.registry.Manifest;
import dev.imagesyncer.registry.MediaTypes;
import dev.imagesyncer.testing.Skopeo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Layouts this tool writes, skopeo reads, and the other way round (skopeo runs as nobody when the tests are root). */
class LayoutSkopeoIT {

    @TempDir
    Path dir;

    @Test
    void skopeo_reads_a_repository_qualified_entry_we_wrote_and_we_read_the_bare_one_it_wrote() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] layer = "layer bytes".getBytes(StandardCharsets.UTF_8);
        Digest configDigest = Digest.sha256(config);
        Digest layerDigest = Digest.sha256(layer);
        Manifest manifest = Manifest.of(("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                + configDigest + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + layerDigest + "\",\"size\":"
                + layer.length + "}]}").getBytes(StandardCharsets.UTF_8), MediaTypes.OCI_MANIFEST);
        Path ours = dir.resolve("ours");
        try (OciLayout layout = OciLayout.write(ours)) {
            layout.writeBlob(configDigest, -1, Layout.bytes(config));
            layout.writeBlob(layerDigest, -1, Layout.bytes(layer));
            layout.putManifest(manifest, "team/app:1.0");
        }
        Path theirs = dir.resolve("theirs");
        Files.createDirectories(theirs);
        Files.setPosixFilePermissions(theirs, PosixFilePermissions.fromString("rwxrwxrwx"));

        byte[] raw = Skopeo.run(List.of("inspect", "--raw", "oci:" + ours + ":team/app:1.0"));
        Skopeo.run(List.of("--insecure-policy", "copy", "-q", "oci:" + ours + ":team/app:1.0", "oci:" + theirs + ":1.0"));

        assertThat(raw).isEqualTo(manifest.bytes());
        try (OciLayout layout = OciLayout.read(theirs)) {
            assertThat(layout.refNames()).containsExactly("1.0");
            assertThat(layout.index().find("1.0")).isPresent();
            assertThat(layout.validate()).isEmpty();
        }
    }
}

package dev.imagesyncer.layout;

import dev.imagesyncer.registry.BlobStream;
import dev.imagesyncer.registry.Descriptor;
import dev.imagesyncer.registry.Digest;
import dev.imagesyncer.registry.ImageReference;
import dev.imagesyncer.registry.Manifest;
import dev.imagesyncer.registry.MediaTypes;
import dev.imagesyncer.registry.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A layout seen through the store interface the copy engine uses. */
class LayoutStoreTest {

    @TempDir
    Path dir;

    @Test
    void blobs_then_a_tagged_manifest_then_its_tags_and_manifest_by_tag_and_by_digest() throws Exception {
        byte[] layer = "layer".getBytes(StandardCharsets.UTF_8);
        Digest layerDigest = Digest.sha256(layer);
        Manifest manifest = Manifest.of(("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST
                + "\",\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"" + layerDigest
                + "\",\"size\":5},\"layers\":[]}").getBytes(StandardCharsets.UTF_8), MediaTypes.OCI_MANIFEST);
        Repository app = new Repository("registry.lab", "team/app");
        try (OciLayout layout = OciLayout.write(dir.resolve("mirror"))) {
            LayoutStore store = new LayoutStore(layout);

            long written = store.pushBlob(app, Descriptor.of("application/octet-stream", layerDigest, 5),
                    offset -> BlobStream.of(new ByteArrayInputStream(layer), 5), null).bytes();
            long again = store.pushBlob(app, Descriptor.of("application/octet-stream", layerDigest, 5),
                    offset -> { throw new AssertionError("present: not read again"); }, null).bytes();
            store.putManifest(app, "1.0", manifest);
            store.putManifest(app, manifest.digest().toString(), manifest);

            assertThat(written).isEqualTo(5);
            assertThat(again).isZero();
            assertThat(store.listTags(app)).containsExactly("1.0");
            assertThat(layout.refNames()).containsExactly("team/app:1.0");
            ImageReference tagged = new ImageReference(app, "1.0", null);
            assertThat(store.headManifest(tagged)).hasValueSatisfying(found ->
                    assertThat(found.digest()).isEqualTo(manifest.digest()));
            assertThat(store.getManifest(new ImageReference(app, null, manifest.digest())).bytes())
                    .isEqualTo(manifest.bytes());
            assertThat(store.findManifest(new ImageReference(app, "2.0", null))).isEmpty();
            assertThat(layout.index().untagged()).as("pushed by digest alone: reachable from index.json")
                    .extracting(Descriptor::digest).containsExactly(manifest.digest());
            Manifest child = Manifest.of(("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST
                    + "\",\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\""
                    + layerDigest + "\",\"size\":5},\"layers\":[],\"annotations\":{\"child\":\"1\"}}")
                    .getBytes(StandardCharsets.UTF_8), MediaTypes.OCI_MANIFEST);
            store.putChildManifest(app, child);
            assertThat(layout.entries()).as("a child of an index is reached through the index")
                    .extracting(Descriptor::digest).doesNotContain(child.digest());
            assertThat(store.findManifest(new ImageReference(app, null, child.digest()))).isPresent();
            assertThat(layout.validate()).isEmpty();
        }
    }
}

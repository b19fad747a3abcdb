package dev.imagesyncer.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagesyncer.testing.RegistrySeeder;
import dev.imagesyncer.testing.Skopeo;
import dev.imagesyncer.testing.TestImage;
import dev.imagesyncer.testing.TestImages;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PlatformFilterIT extends TwoRegistries {

    @Test
    void arch_arm64_copies_only_the_arm64_children_and_a_filtered_index() throws Exception {
        TestImage list = TestImages.dockerManifestList(1, 2048);
        RegistrySeeder.of(source).push("lab/multi", "v1", list);
        Files.writeString(work.resolve("images.yaml"), "%s/lab/multi:v1: %s/mirror/multi\n"
                .formatted(source.host(), target.host()));
        JarRun.writeInsecureAuth(work, source, target);

        JarRun run = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml", "--arch", "arm64");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode copied = new ObjectMapper().readTree(Skopeo.inspectRaw(target, "mirror/multi:v1"));
        assertThat(copied.path("manifests")).hasSize(1);
        assertThat(copied.path("manifests").get(0).path("platform").path("architecture").asText()).isEqualTo("arm64");
        TestImage amd64 = list.children().get(0);
        TestImage arm64 = list.children().get(1);
        assertThat(Skopeo.inspectRaw(target, "mirror/multi@" + arm64.digest())).isEqualTo(arm64.manifest());
        assertThat(RegistrySeeder.of(target).fetchManifest("mirror/multi", amd64.digest())).isEmpty();
        amd64.blobs().keySet().forEach(blob ->
                assertThat(RegistrySeeder.of(target).blobExists("mirror/multi", blob)).as(blob).isFalse());
        assertThat(run.stdout()).contains("digest differs from the source's " + list.digest());
    }
}

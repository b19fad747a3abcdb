package dev.imagesyncer.app;

import dev.imagesyncer.testing.RegistrySeeder;
import dev.imagesyncer.testing.Skopeo;
import dev.imagesyncer.testing.TestImage;
import dev.imagesyncer.testing.TestImages;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** An images file of 10 000 entries is read, planned and run by a JVM with a 128 MiB heap. */
class LargeImagesFileIT extends TwoRegistries {

    private static final int ENTRIES = 10_000;

    @Test
    void ten_thousand_entries_run_in_a_small_heap() throws Exception {
        TestImage image = TestImages.ociManifest(1, 256);
        RegistrySeeder.of(source).push("lab/present", "v1", image);
        StringBuilder images = new StringBuilder(source.host() + "/lab/present:v1: " + target.host() + "/mirror/present\n");
        for (int i = 1; i < ENTRIES; i++) {
            // tags the source does not have: each entry is planned, tried and reported
            images.append(source.host()).append("/lab/absent").append(i).append(":v1: ")
                    .append(target.host()).append("/mirror/absent").append(i).append('\n');
        }
        Files.writeString(work.resolve("images.yaml"), images);
        JarRun.writeInsecureAuth(work, source, target);

        JarRun run = JarRun.in(work, Map.of("JAVA_TOOL_OPTIONS", "-Xmx128m"), "--auth", "auth.yaml",
                "--images", "images.yaml", "--proc", "8", "--output-failed-images", "failed.yaml");

        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(255);
        assertThat(run.summary()).startsWith("Sync finished (partial): 1 image synced, 0 unchanged, " + (ENTRIES - 1) + " failed");
        assertThat(run.stderr()).doesNotContain("OutOfMemoryError");
        Map<String, Object> failed = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper()
                .readValue(work.resolve("failed.yaml").toFile(), new com.fasterxml.jackson.core.type.TypeReference<>() { });
        assertThat(failed).hasSize(ENTRIES - 1).containsKey(source.host() + "/lab/absent9999:v1");
        assertThat(Skopeo.inspectRaw(target, "mirror/present:v1")).isEqualTo(image.manifest());
    }
}

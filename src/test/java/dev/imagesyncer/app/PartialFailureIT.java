package dev.imagesyncer.app;

import dev.imagesyncer.testing.RegistryExtension;
import dev.imagesyncer.testing.RegistrySeeder;
import dev.imagesyncer.testing.Skopeo;
import dev.imagesyncer.testing.TestImage;
import dev.imagesyncer.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** One bad image never stops the others; the failures are listed in images-file form and the exit code is 255. */
class PartialFailureIT extends TwoRegistries {

    @RegisterExtension
    static final RegistryExtension guarded = RegistryExtension.tokenAuth("ci", "ci-pass");

    @Test
    void a_missing_tag_and_a_denied_push_fail_alone() throws Exception {
        TestImage good = TestImages.dockerV2(1, 1024);
        TestImage multi = TestImages.ociIndex(1, 1024);
        RegistrySeeder.of(source).push("lab/good", "v1", good);
        RegistrySeeder.of(source).push("lab/multi", "v1", multi);
        guarded.tokenServer().denyAction("locked/multi", "push");
        String s = source.host();
        String t = target.host();
        String g = guarded.host();
        Files.writeString(work.resolve("auth.yaml"), """
                %s: {insecure: true}
                %s: {insecure: true}
                %s: {username: ci, password: ci-pass, insecure: true}
                """.formatted(s, t, g));
        Files.writeString(work.resolve("images.yaml"), """
                %1$s/lab/good:v1: %2$s/mirror/good
                %1$s/lab/good:v404: %2$s/mirror/good
                %1$s/lab/multi:v1:
                  - %2$s/mirror/multi
                  - %3$s/locked/multi
                """.formatted(s, t, g));

        JarRun run = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml",
                "--retries", "1", "--output-failed-images", "failed.json", "--output-images-format", "json");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(255);
        assertThat(Skopeo.inspectRaw(target, "mirror/good:v1")).isEqualTo(good.manifest());
        assertThat(Skopeo.inspectRaw(target, "mirror/multi:v1")).isEqualTo(multi.manifest());
        assertThat(run.summary()).startsWith("Sync finished (partial): 2 images synced, 0 unchanged, 2 failed");
        assertThat(run.stdout()).contains(s + "/lab/good:v404 -> " + t + "/mirror/good:v404  failed:")
                .contains(g + "/locked/multi:v1  failed:");
        Map<?, ?> failed = new com.fasterxml.jackson.databind.ObjectMapper()
                .readValue(work.resolve("failed.json").toFile(), Map.class);
        assertThat(failed).isEqualTo(Map.of(
                s + "/lab/good:v404", List.of(t + "/mirror/good:v404"),
                s + "/lab/multi:v1", List.of(g + "/locked/multi:v1")));
    }
}

package dev.imagesyncer.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagesyncer.testing.RegistryFront;
import dev.imagesyncer.testing.RegistrySeeder;
import dev.imagesyncer.testing.TestImage;
import dev.imagesyncer.testing.TestImages;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --dry-run}: the plan, read from the registries, and not one write request; the real run then agrees. */
class DryRunIT extends TwoRegistries {

    private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

    @Test
    void a_dry_run_writes_nothing_and_its_plan_is_what_the_real_run_then_does() throws Exception {
        RegistrySeeder seeder = RegistrySeeder.of(source);
        TestImage index = TestImages.ociIndex(2, 2048);
        seeder.push("lab/app", "v1", index);
        seeder.push("lab/app", "v2", TestImages.ociManifest(1, 4096));
        seeder.push("lab/app", "v3", TestImages.ociManifest(1, 1024));
        seeder.push("lab/app", "old", TestImages.ociManifest(1, 512));
        RegistrySeeder.of(target).push("mirror/app", "v3", TestImages.ociManifest(1, 1024)); // another image there
        try (RegistryFront from = RegistryFront.of(source); RegistryFront to = RegistryFront.of(target)) {
            Files.writeString(work.resolve("images.yaml"), """
                    %1$s/lab/app:
                      to: [%2$s/mirror/app, %2$s/backup/app]
                      tags: {exclude: old}
                    """.formatted(from.host(), to.host()));
            JarRun.writeInsecureAuth(work, from, to);
            seeder.push("lab/unchanged", "1", TestImages.ociManifest(1, 256));
            JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--src", from.host() + "/lab/unchanged:1", "--dest",
                    to.host() + "/mirror/unchanged");
            from.clearRequests();
            to.clearRequests();

            JarRun dry = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml", "--dry-run",
                    "--output-plan", "plan.json");

            assertThat(dry.exitCode()).as(dry.toString()).isZero();
            assertThat(from.requests()).isNotEmpty().noneMatch(request -> WRITES.contains(request.method()));
            assertThat(to.requests()).isNotEmpty().noneMatch(request -> WRITES.contains(request.method()));
            assertThat(dry.summary()).startsWith("Dry run (nothing written): 6 images to copy, 0 unchanged, 0 failed");
            JsonNode plan = new ObjectMapper().readTree(work.resolve("plan.json").toFile());
            assertThat(plan.path("status").asText()).isEqualTo("dry-run");

            JarRun real = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml");

            assertThat(real.exitCode()).as(real.toString()).isZero();
            Map<String, String> planned = new HashMap<>();
            plan.path("outcomes").forEach(o -> planned.put(o.path("source").asText() + " -> "
                    + o.path("destination").asText(), o.path("result").asText()));
            Map<String, String> done = new HashMap<>();
            real.stdout().lines().filter(line -> line.startsWith("[")).forEach(line -> {
                String[] parts = line.substring(line.indexOf("] ") + 2).split("  ");
                done.put(parts[0], parts[1].startsWith("unchanged") ? "unchanged" : "synced");
            });
            assertThat(done).hasSize(6);
            done.forEach((pair, action) -> assertThat(planned.get(pair)).as(pair)
                    .isEqualTo(action.equals("synced") ? "planned" : action));
            JsonNode transfers = plan.path("transfers");
            assertThat(real.summary()).contains("blobs: " + transfers.path("blobsCopied").asInt() + " copied, "
                    + transfers.path("blobsMounted").asInt() + " mounted, " + transfers.path("blobsPresent").asInt()
                    + " present; " + transfers.path("manifestsPushed").asInt() + " manifests pushed");

            JarRun again = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml", "--dry-run");
            assertThat(again.summary()).startsWith("Dry run (nothing written): 0 images to copy, 6 unchanged");
            assertThat(List.of(again.exitCode())).containsExactly(0);
        }
    }
}

package dev.imagesyncer.app;

import dev.imagesyncer.testing.RegistryExtension;
import dev.imagesyncer.testing.RegistryFront;
import dev.imagesyncer.testing.RegistrySeeder;
import dev.imagesyncer.testing.Skopeo;
import dev.imagesyncer.testing.TestImage;
import dev.imagesyncer.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The route configuration's redelivery: transient registry errors are retried --retries times, then fail. */
class RetryIT {

    @RegisterExtension
    static final RegistryExtension source = RegistryExtension.open();
    @RegisterExtension
    static final RegistryExtension target = RegistryExtension.open();

    @TempDir
    Path work;

    @Test
    void a_registry_that_answers_503_twice_is_retried_until_it_works() throws Exception {
        TestImage image = TestImages.dockerV2(1, 512);
        RegistrySeeder.of(source).push("lab/flaky", "v1", image);
        try (RegistryFront flaky = RegistryFront.of(source)) {
            writeFiles(flaky, "lab/flaky:v1", "mirror/flaky");
            flaky.failNext(503, 2, "GET /v2/lab/flaky/manifests/.*");

            JarRun run = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml", "--retries", "2");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.stderr()).contains("HTTP 503");
            assertThat(run.summary()).endsWith("2 retries, 0 rate-limited (429)");
            assertThat(flaky.requests()).filteredOn(r -> r.method().equals("GET") && r.path().contains("/manifests/"))
                    .hasSize(3);
        }
        assertThat(Skopeo.inspectRaw(target, "mirror/flaky:v1")).isEqualTo(image.manifest());
    }

    @Test
    void a_rate_limited_registry_is_waited_for_and_the_429s_are_counted() throws Exception {
        TestImage image = TestImages.dockerV2(1, 512);
        RegistrySeeder.of(source).push("lab/limited", "v1", image);
        try (RegistryFront limited = RegistryFront.of(source)) {
            writeFiles(limited, "lab/limited:v1", "mirror/limited");
            limited.failNext(429, 2, "GET /v2/lab/limited/manifests/.*");

            JarRun run = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.summary()).endsWith("2 retries, 2 rate-limited (429)");
        }
        assertThat(Skopeo.inspectRaw(target, "mirror/limited:v1")).isEqualTo(image.manifest());
    }

    @Test
    void without_retries_the_same_fault_fails_the_image() throws Exception {
        RegistrySeeder.of(source).push("lab/once", "v1", TestImages.dockerV2(1, 512));
        try (RegistryFront flaky = RegistryFront.of(source)) {
            writeFiles(flaky, "lab/once:v1", "mirror/once");
            flaky.failNext(503, 1, "GET /v2/lab/once/manifests/.*");

            JarRun run = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml", "--retries", "0");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(255);
            assertThat(run.stdout()).contains("failed: GET manifest " + flaky.host() + "/lab/once").contains("HTTP 503");
        }
    }

    private void writeFiles(RegistryFront front, String source, String destination) throws Exception {
        Files.writeString(work.resolve("images.yaml"), "%s/%s: %s/%s\n"
                .formatted(front.host(), source, target.host(), destination));
        JarRun.writeInsecureAuth(work, front, target);
    }
}

package dev.imagesyncer.app;

import dev.imagesyncer.testing.RegistryFront;
import dev.imagesyncer.testing.RegistrySeeder;
import dev.imagesyncer.testing.Skopeo;
import dev.imagesyncer.testing.TestImage;
import dev.imagesyncer.testing.TestImages;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The route configuration's redelivery: transient registry errors are retried --retries times, then fail. */
class RetryIT extends TwoRegistries {

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
    void a_rate_limit_slows_down_that_registry_only() throws Exception {
        TestImage slowedImage = TestImages.dockerV2(1, 512);
        RegistrySeeder.of(source).push("lab/slowed", "v1", slowedImage);
        RegistrySeeder.of(source).pushTags("lab/free", TestImages.ociManifest(2, 256 * 1024),
                List.of("v1", "v2", "v3", "v4", "v5", "v6"));
        // the front is another registry to the tool (another host:port), with the same content behind it
        try (RegistryFront limited = RegistryFront.of(source)) {
            Files.writeString(work.resolve("images.yaml"), "%s/lab/slowed:v1: %s/mirror/slowed\n%s/lab/free: %s/mirror/free\n"
                    .formatted(limited.host(), target.host(), source.host(), target.host()));
            JarRun.writeInsecureAuth(work, limited, source, target);
            limited.failNext(429, 1, "HEAD /v2/lab/slowed/manifests/.*", 8);

            JarRun.Running running = JarRun.start(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml",
                    "--retries", "1", "--proc", "8");
            while (limited.requests().stream().noneMatch(request -> request.method().equals("HEAD"))
                    && running.process().isAlive()) {
                Thread.sleep(10);
            }
            long rateLimitedAt = System.nanoTime();
            assertThat(running.stdoutSoFar()).as("no image done before the 429").doesNotContain("/lab/free:");
            running.awaitLines("[", 6);
            double freeDone = (System.nanoTime() - rateLimitedAt) / 1e9;
            JarRun run = running.finish();
            double slowedDone = (System.nanoTime() - rateLimitedAt) / 1e9;

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.summary()).endsWith("1 retry, 1 rate-limited (429)");
            List<String> progress = run.stdout().lines().filter(line -> line.startsWith("[")).toList();
            assertThat(progress.subList(0, 6)).allMatch(line -> line.contains("/lab/free:"));
            assertThat(slowedDone).as("the rate-limited registry waited out its Retry-After").isGreaterThan(7.5);
            assertThat(freeDone).as("the other registry did not wait").isLessThan(5);
        }
        assertThat(Skopeo.inspectRaw(target, "mirror/slowed:v1")).isEqualTo(slowedImage.manifest());
        assertThat(Skopeo.listTags(target, "mirror/free")).hasSize(6);
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

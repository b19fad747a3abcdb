package dev.imagesyncer.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagesyncer.testing.RegistryFront;
import dev.imagesyncer.testing.RegistrySeeder;
import dev.imagesyncer.testing.Skopeo;
import dev.imagesyncer.testing.TestImage;
import dev.imagesyncer.testing.TestImages;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The packaged jar as a service: a Quartz schedule, runs that never overlap, reports, events, SIGTERM. */
class ServiceModeIT extends TwoRegistries {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void fires_every_two_seconds_skips_fires_during_a_slow_run_reports_and_stops_on_sigterm() throws Exception {
        TestImage image = TestImages.dockerV2(1, 1024);
        RegistrySeeder.of(source).push("lab/app", "v1", image);
        try (RegistryFront slow = RegistryFront.of(source)) {
            Files.writeString(work.resolve("images.yaml"), "%s/lab/app:v1: %s/mirror/app\n"
                    .formatted(slow.host(), target.host()));
            JarRun.writeInsecureAuth(work, slow, target);
            int httpPort;
            try (var socket = new java.net.ServerSocket(0)) {
                httpPort = socket.getLocalPort();
            }
            Files.writeString(work.resolve("application.properties"),
                    "sync.events.uri = file:events\nsync.http.port = " + httpPort + "\n");
            // the first run meets two 503s: with back-off and Retry-After it outlasts the 2 s period
            slow.failNext(503, 2, "HEAD /v2/lab/app/manifests/.*");

            Process service = startService("0/2 * * * * ?");
            List<JsonNode> reports = awaitReports(3, 40);
            String base = "http://127.0.0.1:" + httpPort;
            HttpResponse<String> health = http("GET", base + "/health");
            HttpResponse<String> runs = http("GET", base + "/runs");
            String firstId = reports.get(0).path("id").asText();
            HttpResponse<String> firstRun = http("GET", base + "/runs/" + firstId);
            HttpResponse<String> unknownRun = http("GET", base + "/runs/20000101T000000.000Z");
            HttpResponse<String> metrics = http("GET", base + "/metrics");
            HttpResponse<String> trigger = http("POST", base + "/sync");
            service.destroy(); // SIGTERM
            assertThat(service.waitFor(60, TimeUnit.SECONDS)).isTrue();

            String log = Files.readString(work.resolve("err.txt"));
            assertThat(reports).as(log).hasSizeGreaterThanOrEqualTo(3);
            assertThat(reports.get(0).path("status").asText()).isEqualTo("succeeded");
            assertThat(reports.get(0).path("images").path("synced").asInt()).isEqualTo(1);
            assertThat(reports.get(0).path("transfers").path("retries").asInt()).as("both 503s redelivered").isEqualTo(2);
            assertThat(reports.get(0).path("outcomes").get(0).path("attempts").asInt()).as("the source HEAD, three times")
                    .isEqualTo(3);
            assertThat(reports.get(1).path("images").path("unchanged").asInt()).isEqualTo(1);
            for (int i = 1; i < reports.size(); i++) {
                Instant previousEnd = Instant.parse(reports.get(i - 1).path("finished").asText());
                Instant start = Instant.parse(reports.get(i).path("started").asText());
                assertThat(start).as("runs never overlap").isAfterOrEqualTo(previousEnd);
            }
            assertThat(log).contains("sync run skipped: the run");
            assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
            assertThat(JSON.readTree(health.body()).path("status").asText()).isEqualTo("UP");
            assertThat(runs.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(runs.body())).hasSizeGreaterThanOrEqualTo(3)
                    .anySatisfy(run -> assertThat(run.path("id").asText()).isEqualTo(firstId));
            assertThat(firstRun.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(firstRun.body()).path("outcomes").get(0).path("destination").asText())
                    .isEqualTo(target.host() + "/mirror/app:v1");
            assertThat(unknownRun.statusCode()).isEqualTo(404);
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("imagesyncer_images_synced_total 1.0")
                    .contains("imagesyncer_retries_total 2.0")
                    .contains("imagesyncer_last_success_timestamp_seconds{source=\"" + slow.host() + "/lab/app\"}");
            assertThat(trigger.statusCode()).isIn(202, 409);
            assertThat(trigger.body()).contains(trigger.statusCode() == 202 ? "started" : "busy");
            assertThat(events()).anySatisfy(e -> assertThat(e.path("type").asText()).isEqualTo("image"))
                    .anySatisfy(e -> assertThat(e.path("type").asText()).isEqualTo("run"));
        }
        assertThat(Skopeo.inspectRaw(target, "mirror/app:v1")).isEqualTo(image.manifest());
    }

    @Test
    void sigterm_during_a_run_lets_the_image_finish_and_reports_the_run_interrupted() throws Exception {
        TestImage image = TestImages.dockerV2(1, 1024);
        RegistrySeeder.of(source).push("lab/long", "v1", image);
        try (RegistryFront slow = RegistryFront.of(source)) {
            Files.writeString(work.resolve("images.yaml"), "%s/lab/long:v1: %s/mirror/long\n"
                    .formatted(slow.host(), target.host()));
            JarRun.writeInsecureAuth(work, slow, target);
            slow.failNext(503, 2, "HEAD /v2/lab/long/manifests/.*"); // the run takes several seconds

            Process service = startService("0/1 * * * * ?");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.readString(work.resolve("err.txt")).contains("HTTP 503") && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            service.destroy(); // SIGTERM while the image in progress waits for its retry
            assertThat(service.waitFor(60, TimeUnit.SECONDS)).isTrue();

            List<JsonNode> reports = readAll(work.resolve("reports"));
            String log = Files.readString(work.resolve("err.txt"));
            assertThat(reports).as(log).hasSize(1);
            assertThat(reports.get(0).path("status").asText()).isEqualTo("interrupted");
            assertThat(reports.get(0).path("images").path("synced").asInt()).as(log).isEqualTo(1);
            assertThat(log).contains("interrupted: finishing the images in progress");
        }
        assertThat(Skopeo.inspectRaw(target, "mirror/long:v1")).isEqualTo(image.manifest());
    }

    /** The packaged jar in service mode, in the work directory; its stdout and stderr go to out.txt and err.txt. */
    private Process startService(String cron) throws Exception {
        return new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JarRun.jar().toString(),
                "--auth", "auth.yaml", "--images", "images.yaml", "--schedule", cron))
                .directory(work.toFile())
                .redirectOutput(work.resolve("out.txt").toFile())
                .redirectError(work.resolve("err.txt").toFile())
                .start();
    }

    private static HttpResponse<String> http(String method, String uri) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(uri))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<JsonNode> awaitReports(int count, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<JsonNode> reports = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            reports = readAll(work.resolve("reports"));
            if (reports.size() >= count) {
                break;
            }
            Thread.sleep(200);
        }
        return reports;
    }

    private List<JsonNode> events() throws Exception {
        return readAll(work.resolve("events"));
    }

    private static List<JsonNode> readAll(Path directory) throws Exception {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        List<JsonNode> nodes = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.sorted().toList()) {
                nodes.add(JSON.readTree(file.toFile()));
            }
        }
        return nodes;
    }
}

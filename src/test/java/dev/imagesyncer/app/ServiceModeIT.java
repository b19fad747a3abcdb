package dev.imagesyncer.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagesyncer.testing.RegistryFront;
import dev.imagesyncer.testing.RegistrySeeder;
import dev.imagesyncer.testing.Skopeo;
import dev.imagesyncer.testing.TestImage;
import dev.imagesyncer.testing.TestImages;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged jar as a service: a schedule, runs that never overlap, reports, events, SIGTERM; the management
 * endpoints on loopback, behind a token, POST /sync with whatever Content-Type curl sends, a bad images map refused
 * with its error, a broken images file recorded as a failed run.
 */
class ServiceModeIT extends TwoRegistries {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "s3cret-t0ken";

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
    void sigterm_during_a_run_starts_no_new_copy_and_reports_the_image_not_started_and_the_run_interrupted()
            throws Exception {
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
            assertThat(reports.get(0).path("images").path("not-started").asInt()).as(log).isEqualTo(1);
            assertThat(reports.get(0).path("outcomes").get(0).path("detail").asText())
                    .isEqualTo("the run was interrupted before it started");
            assertThat(log).contains("interrupted: uploads in flight stop at their next chunk boundary");
        }
        assertThat(RegistrySeeder.of(target).fetchManifest("mirror/long", "v1")).as("no tag without its blobs")
                .isEmpty();
    }

    @Test
    void listens_on_loopback_requires_the_token_but_for_health_and_takes_images_posted_as_a_form() throws Exception {
        TestImage image = TestImages.ociManifest(1, 2048);
        RegistrySeeder.of(source).push("lab/posted", "v1", image);
        JarRun.writeInsecureAuth(work, source, target);
        Files.writeString(work.resolve("images.yaml"), "{}\n");
        int port = freePort();
        Files.writeString(work.resolve("application.properties"),
                "sync.http.port = %d\nsync.http.token = %s\nsync.events.uri = file:events\n".formatted(port, TOKEN));
        // midnight on January 1st, as a Unix cron: no fire during the test
        Process service = startService("0 0 1 1 *");
        String base = "http://127.0.0.1:" + port;
        awaitUp(base, service);

        String listening = Files.readString(Path.of("/proc/net/tcp")) + Files.readString(Path.of("/proc/net/tcp6"));
        HttpResponse<String> runsWithout = send("GET", base + "/runs", null, null, null);
        HttpResponse<String> runsWith = send("GET", base + "/runs", TOKEN, null, null);
        HttpResponse<String> healthWithout = send("GET", base + "/health", null, null, null);
        HttpResponse<String> metricsWrong = send("GET", base + "/metrics", "not-it", null, null);
        String posted = "%s/lab/posted:v1: %s/mirror/posted\n".formatted(source.host(), target.host());
        HttpResponse<String> started = send("POST", base + "/sync", TOKEN, "application/x-www-form-urlencoded",
                posted);
        String id = JSON.readTree(started.body()).path("id").asText();
        JsonNode report = awaitReport(id, 30);
        String badMap = "{\"%s/lab/posted:v1\": [\"%s/Bad/Name\"]}".formatted(source.host(), target.host());
        HttpResponse<String> refused = send("POST", base + "/sync", TOKEN, "application/x-www-form-urlencoded", badMap);
        for (int i = 0; i < 50 && refused.statusCode() == 409; i++) { // the posted run is still closing
            Thread.sleep(100);
            refused = send("POST", base + "/sync", TOKEN, "application/x-www-form-urlencoded", badMap);
        }
        HttpResponse<String> multipart = send("POST", base + "/sync", TOKEN, "multipart/form-data; boundary=x", "");
        HttpResponse<String> runs = send("GET", base + "/runs", TOKEN, null, null);
        service.destroy();
        assertThat(service.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String log = Files.readString(work.resolve("err.txt"));

        String hexPort = String.format(Locale.ROOT, "%04X", port);
        assertThat(listening).as("listening on 127.0.0.1 only").contains("0100007F:" + hexPort)
                .doesNotContain("00000000:" + hexPort);
        assertThat(log).contains("management endpoints on http://127.0.0.1:" + port + "/ (a bearer token required")
                .contains("(the Quartz cron \"0 0 0 1 1 ?\")").doesNotContain(TOKEN);
        assertThat(runsWithout.statusCode()).isEqualTo(401);
        assertThat(metricsWrong.statusCode()).isEqualTo(401);
        assertThat(runsWith.statusCode()).isEqualTo(200);
        assertThat(healthWithout.statusCode()).isEqualTo(200);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        assertThat(JSON.readTree(started.body()).path("url").asText()).isEqualTo("/runs/" + id);
        assertThat(report.path("status").asText()).isEqualTo("succeeded");
        assertThat(report.path("images").path("synced").asInt()).isEqualTo(1);
        assertThat(Skopeo.inspectRaw(target, "mirror/posted:v1")).isEqualTo(image.manifest());
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(JSON.readTree(refused.body()).path("error").asText()).contains("Bad/Name").doesNotContain("\n");
        assertThat(JSON.readTree(runs.body())).as("the refused map started nothing").hasSize(1);
        assertThat(multipart.statusCode()).isEqualTo(415);
        assertThat(service.exitValue()).as("SIGTERM").isIn(0, 143);
    }

    @Test
    void an_images_file_broken_between_two_fires_is_a_failed_run_reported_like_any_other() throws Exception {
        TestImage image = TestImages.ociManifest(1, 512);
        RegistrySeeder.of(source).push("lab/app", "v1", image);
        JarRun.writeInsecureAuth(work, source, target);
        Files.writeString(work.resolve("images.yaml"), "%s/lab/app:v1: %s/mirror/app\n"
                .formatted(source.host(), target.host()));
        int port = freePort();
        Files.writeString(work.resolve("application.properties"),
                "sync.http.port = %d\nsync.events.uri = file:events\n".formatted(port));
        Process service = startService("@every 2s");
        List<JsonNode> reports = awaitReports(1, 30);
        assertThat(reports).as(Files.readString(work.resolve("err.txt"))).isNotEmpty();
        Files.writeString(work.resolve("images.yaml"), "%s/lab/app:v1: [%s/mirror/app\n"
                .formatted(source.host(), target.host()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (reports.stream().noneMatch(r -> r.path("status").asText().equals("failed"))
                && System.nanoTime() < deadline) {
            Thread.sleep(200);
            reports = awaitReports(1, 1);
        }
        HttpResponse<String> runs = send("GET", "http://127.0.0.1:" + port + "/runs", null, null, null);
        HttpResponse<String> metrics = send("GET", "http://127.0.0.1:" + port + "/metrics", null, null, null);
        service.destroy();
        assertThat(service.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String log = Files.readString(work.resolve("err.txt"));

        JsonNode failed = reports.stream().filter(r -> r.path("status").asText().equals("failed")).findFirst()
                .orElseThrow(() -> new AssertionError("no failed run in " + log));
        assertThat(failed.path("reason").asText()).contains("images.yaml").doesNotContain("\n");
        assertThat(JSON.readTree(runs.body())).anySatisfy(run ->
                assertThat(run.path("status").asText()).isEqualTo("failed"));
        assertThat(metrics.body()).contains("imagesyncer_runs_total{status=\"failed\"}");
        assertThat(readAll(work.resolve("events"))).anySatisfy(event -> {
            assertThat(event.path("type").asText()).isEqualTo("run");
            assertThat(event.path("status").asText()).isEqualTo("failed");
        });
        assertThat(log).contains("ERROR").contains("failed: " + work.resolve("images.yaml").getFileName())
                .doesNotContain("\tat ");
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
        return send(method, uri, null, null, null);
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
            // run reports and events; not a report still being written aside (.run-*.partial)
            for (Path file : files.filter(f -> !f.getFileName().toString().startsWith(".")).sorted().toList()) {
                try {
                    nodes.add(JSON.readTree(file.toFile()));
                } catch (java.io.IOException beingWritten) {
                    // read at the next look
                }
            }
        }
        return nodes;
    }

    private void awaitUp(String base, Process service) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && service.isAlive()) {
            try {
                if (send("GET", base + "/health", null, null, null).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // starting
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the service did not come up: " + Files.readString(work.resolve("err.txt")));
    }

    private static HttpResponse<String> send(String method, String uri, String token, String contentType,
                                             String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode awaitReport(String id, int seconds) throws Exception {
        Path report = work.resolve("reports").resolve("run-" + id + ".json");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!Files.isRegularFile(report) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Thread.sleep(100);
        return JSON.readTree(report.toFile());
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

package dev.imagesyncer.app;

import dev.imagesyncer.testing.RegistrySeeder;
import dev.imagesyncer.testing.TestImages;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What an operator gets wrong at start gets one line and exit code 2, before anything runs. */
class StartupErrorsIT extends TwoRegistries {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "0 0 1 * 1   | restricts both the day of the month and the day of the week",
            "@every 7m   | 7 does not divide an hour",
            "next monday | is not a schedule; give a Quartz cron",
    })
    void a_schedule_that_cannot_be_fired_as_written(String schedule, String why) throws Exception {
        Files.writeString(work.resolve("images.yaml"), "{}\n");

        JarRun run = JarRun.in(work, Map.of(), "--images", "images.yaml", "--schedule", schedule);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.stderr().strip().lines()).as(run.stderr()).hasSize(1);
        assertThat(run.stderr()).startsWith("error: sync.schedule (--schedule): \"" + schedule + "\"").contains(why);
    }

    @Test
    void routes_that_are_missing_empty_or_without_the_sync_route() throws Exception {
        Files.writeString(work.resolve("images.yaml"), "{}\n");
        Path empty = Files.createDirectory(work.resolve("empty"));
        Path other = Files.createDirectory(work.resolve("other"));
        Files.writeString(other.resolve("mine.camel.yaml"), "- route:\n    from:\n      uri: direct:mine\n"
                + "      steps:\n        - log: hello\n");

        JarRun missing = JarRun.in(work, Map.of(), "--images", "images.yaml", "--routes", "nosuchdir");
        JarRun none = JarRun.in(work, Map.of(), "--images", "images.yaml", "--routes", "empty");
        JarRun noSync = JarRun.in(work, Map.of(), "--images", "images.yaml", "--routes", "other");

        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.stderr().strip()).isEqualTo("error: --routes: no such directory: nosuchdir");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.stderr().strip()).startsWith("error: --routes: empty holds no *.camel.yaml file");
        assertThat(noSync.exitCode()).isEqualTo(2);
        assertThat(noSync.stderr().strip()).startsWith("error: --routes: no route of other starts from direct:sync");
    }

    @Test
    void a_management_port_that_is_taken_stops_the_service_before_it_starts() throws Exception {
        Files.writeString(work.resolve("images.yaml"), "{}\n");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            JarRun run = JarRun.in(work, Map.of(), "--images", "images.yaml", "--schedule", "@daily",
                    "--http-port", Integer.toString(taken.getLocalPort()));

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
            assertThat(run.stderr().strip().lines()).as(run.stderr()).hasSize(1);
            assertThat(run.stderr()).startsWith("error: sync.http.port (--http-port): cannot listen on 127.0.0.1:"
                    + taken.getLocalPort());
        }
    }

    @Test
    void a_plain_http_registry_not_marked_insecure_fails_at_once_with_the_fix() throws Exception {
        RegistrySeeder.of(source).push("lab/plain", "v1", TestImages.dockerV2(1, 64));
        Files.writeString(work.resolve("images.yaml"), "%s/lab/plain:v1: %s/mirror/plain\n"
                .formatted(source.host(), target.host()));
        JarRun.writeInsecureAuth(work, target); // the source is not marked

        long started = System.nanoTime();
        JarRun run = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml");
        double seconds = (System.nanoTime() - started) / 1e9;

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(255);
        assertThat(run.stdout()).contains("the registry answered the TLS hello in plain HTTP; mark it "
                + "\"insecure: true\" in the auth file");
        assertThat(run.stderr()).as("not retried").doesNotContain("retry:");
        System.out.printf("plain-http registry not marked insecure: failed in %.1f s (with start-up)%n", seconds);
    }
}

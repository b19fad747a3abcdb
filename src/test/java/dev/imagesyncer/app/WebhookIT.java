package dev.imagesyncer.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.imagesyncer.testing.RegistrySeeder;
import dev.imagesyncer.testing.TestImages;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped example routes switch on by copying: the completion webhook POSTs the run summary. */
class WebhookIT extends TwoRegistries {

    @Test
    void the_webhook_example_posts_the_run_summary_as_json() throws Exception {
        RegistrySeeder.of(source).push("lab/hooked", "v1", TestImages.dockerV2(1, 256));
        List<String> posted = new CopyOnWriteArrayList<>();
        HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/hook", exchange -> {
            posted.add(exchange.getRequestMethod() + " " + exchange.getRequestHeaders().getFirst("Content-Type") + " "
                    + new String(exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        hook.start();
        try {
            Path routes = Files.createDirectory(work.resolve("routes"));
            for (String file : List.of("sync.camel.yaml", "service.camel.yaml", "examples/webhook.camel.yaml",
                    "examples/message-bus.camel.yaml")) {
                Path shipped = Path.of("routes", file);
                Files.copy(shipped, routes.resolve(shipped.getFileName()));
            }
            Files.writeString(work.resolve("application.properties"), """
                    sync.events.uri = direct:events
                    sync.webhook.url = http://127.0.0.1:%d/hook
                    """.formatted(hook.getAddress().getPort()));
            Files.writeString(work.resolve("images.yaml"), "%s/lab/hooked:v1: %s/mirror/hooked\n"
                    .formatted(source.host(), target.host()));
            JarRun.writeInsecureAuth(work, source, target);

            JarRun run = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml", "--routes",
                    "routes");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(posted).hasSize(1);
            assertThat(posted.get(0)).startsWith("POST application/json {");
            JsonNode summary = new ObjectMapper().readTree(posted.get(0).substring(posted.get(0).indexOf('{')));
            assertThat(summary.path("type").asText()).isEqualTo("run");
            assertThat(summary.path("status").asText()).isEqualTo("succeeded");
            assertThat(summary.path("images").path("synced").asInt()).isEqualTo(1);
        } finally {
            hook.stop(0);
        }
    }
}

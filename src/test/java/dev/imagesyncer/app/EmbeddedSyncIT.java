package dev.imagesyncer.app;

import dev.imagesyncer.report.RunSummary;
import dev.imagesyncer.testing.RegistrySeeder;
import dev.imagesyncer.testing.Skopeo;
import dev.imagesyncer.testing.TestImage;
import dev.imagesyncer.testing.TestImages;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A bus or an embedding Camel application starts a run by sending an images map to direct:sync. */
class EmbeddedSyncIT extends TwoRegistries {

    @Test
    void an_images_map_sent_to_direct_sync_from_another_route_runs_that_sync() throws Exception {
        TestImage image = TestImages.ociManifest(1, 512);
        RegistrySeeder.of(source).push("lab/bus", "v1", image);
        JarRun.writeInsecureAuth(work, source, target);
        Map<String, String> properties = Map.of("sync.auth.file", work.resolve("auth.yaml").toString(),
                "sync.proc", "2", "sync.retries", "0");
        try (SyncApplication application = SyncApplication.start(null, null, properties, Map.of())) {
            application.camelContext().addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:from-the-bus")
                            .setBody(constant(Map.of(source.host() + "/lab/bus:v1", target.host() + "/bus/copy")))
                            .to("direct:sync");
                }
            });

            RunSummary summary = application.camelContext().createProducerTemplate()
                    .requestBody("direct:from-the-bus", null, RunSummary.class);

            assertThat(summary.imagesSynced()).isEqualTo(1);
            assertThat(summary.status()).isEqualTo("succeeded");
        }
        assertThat(Skopeo.inspectRaw(target, "bus/copy:v1")).isEqualTo(image.manifest());
    }
}

package dev.imagesyncer.app;

import dev.imagesyncer.config.DefaultDestination;
import dev.imagesyncer.copy.CopyOptions;
import dev.imagesyncer.pipeline.SyncSettings;
import dev.imagesyncer.report.SyncSummary;
import dev.imagesyncer.testing.RegistrySeeder;
import dev.imagesyncer.testing.Skopeo;
import dev.imagesyncer.testing.TestImage;
import dev.imagesyncer.testing.TestImages;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A bus or an embedding Camel application starts a run by sending an images map to direct:sync. */
class EmbeddedSyncIT extends TwoRegistries {

    @Test
    void an_images_map_sent_to_direct_sync_from_another_route_runs_that_sync() throws Exception {
        TestImage image = TestImages.ociManifest(1, 512);
        RegistrySeeder.of(source).push("lab/bus", "v1", image);
        JarRun.writeInsecureAuth(work, source, target);
        SyncSettings settings = new SyncSettings(null, work.resolve("auth.yaml"), null, DefaultDestination.none(),
                Map.of(), 2, 0, 100, CopyOptions.DEFAULT, null, null, "yaml", null, 1, List.of(), Duration.ofMinutes(5), 0);
        try (SyncApplication application = SyncApplication.oneShot(settings, null, ServiceProperties.load(null))) {
            application.camelContext().addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:from-the-bus")
                            .setBody(constant(Map.of(source.host() + "/lab/bus:v1", target.host() + "/bus/copy")))
                            .to("direct:sync");
                }
            });

            SyncSummary summary = application.camelContext().createProducerTemplate()
                    .requestBody("direct:from-the-bus", null, SyncSummary.class);

            assertThat(summary.imagesSynced()).isEqualTo(1);
            assertThat(summary.status()).isEqualTo("succeeded");
        }
        assertThat(Skopeo.inspectRaw(target, "bus/copy:v1")).isEqualTo(image.manifest());
    }
}

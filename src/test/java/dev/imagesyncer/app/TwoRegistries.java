package dev.imagesyncer.app;

import dev.imagesyncer.testing.RegistryExtension;
import dev.imagesyncer.testing.RegistrySeeder;
import dev.imagesyncer.testing.TestImage;
import dev.imagesyncer.testing.TestImages;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * What most of the jar's integration tests mirror between: two open registries, started afresh for each test
 * class, and a working directory for each test (the auth and images files, the outputs).
 */
abstract class TwoRegistries {

    @RegisterExtension
    static final RegistryExtension source = RegistryExtension.open();
    @RegisterExtension
    static final RegistryExtension target = RegistryExtension.open();

    @TempDir
    Path work;

    /**
     * An air-gap round trip through {@code store} ({@code oci:DIR} or {@code oci-archive:FILE.tar}): seeds one image
     * of each kind (an OCI manifest, a Docker v2 manifest, a Docker manifest list, an OCI index) at the source as
     * {@code lab/NAME:v1}, and writes in {@link #work} {@code out.yaml} (each into {@code store} as
     * {@code lab/NAME}), {@code in.yaml} (each from {@code store} to the target's {@code mirror/NAME}) and an
     * {@code auth.yaml} that opens both registries.
     *
     * @return the images by NAME ({@code oci}, {@code docker}, {@code list}, {@code index}), in name order
     */
    Map<String, TestImage> seedRoundTrip(String store) throws IOException {
        Map<String, TestImage> images = new TreeMap<>(Map.of("oci", TestImages.ociManifest(2, 4096),
                "docker", TestImages.dockerV2(2, 4096), "list", TestImages.dockerManifestList(1, 4096),
                "index", TestImages.ociIndex(1, 4096)));
        RegistrySeeder seeder = RegistrySeeder.of(source);
        images.forEach((name, image) -> seeder.push("lab/" + name, "v1", image));
        StringBuilder out = new StringBuilder();
        StringBuilder in = new StringBuilder();
        for (String name : images.keySet()) {
            out.append(source.host()).append("/lab/").append(name).append(":v1: ").append(store).append(":lab/")
                    .append(name).append('\n');
            in.append(store).append(":lab/").append(name).append(":v1: ").append(target.host()).append("/mirror/")
                    .append(name).append('\n');
        }
        Files.writeString(work.resolve("out.yaml"), out);
        Files.writeString(work.resolve("in.yaml"), in);
        JarRun.writeInsecureAuth(work, source, target);
        return images;
    }
}

package dev.imagesyncer.app;

import dev.imagesyncer.testing.MisbehavingRegistry;
import dev.imagesyncer.testing.RegistryExtension;
import dev.imagesyncer.testing.RegistryFront;
import dev.imagesyncer.testing.RegistrySeeder;
import dev.imagesyncer.testing.Skopeo;
import dev.imagesyncer.testing.TestImage;
import dev.imagesyncer.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad registries and bad references in one run: each fails its own image with one line that names it and says
 * why, the good image still syncs, and the exit code is 255. (Bad files: {@link BadConfigIT}.)
 */
class BadInputIT extends TwoRegistries {

    @RegisterExtension
    static final RegistryExtension locked = RegistryExtension.basicAuth("owner", "the-right-password");

    @Test
    void every_bad_source_fails_alone_with_a_line_that_names_it() throws Exception {
        TestImage good = TestImages.dockerV2(1, 1024);
        RegistrySeeder.of(source).push("lab/good", "v1", good);
        RegistrySeeder.of(locked).push("lab/locked", "v1", good);
        // its own blobs: with the good image's, the run would mount them inside the target, no GET to loop on
        RegistrySeeder.of(source).push("lab/loop", "v1", TestImages.dockerV2(1, 512));
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (MisbehavingRegistry bad = new MisbehavingRegistry();
             RegistryFront looping = RegistryFront.of(source).redirectLoop()) {
            String t = target.host();
            Map<String, String> cases = Map.of(
                    "unknown host", "nowhere.invalid/lab/x:v1",
                    "connection refused", "127.0.0.1:" + closedPort + "/lab/x:v1",
                    "wrong password", locked.host() + "/lab/locked:v1",
                    "missing tag", source.host() + "/lab/good:v404",
                    "HTML instead of JSON", bad.host() + "/html:v1",
                    "unknown media type", bad.host() + "/artifact:v1",
                    "manifest over 4 MiB", bad.host() + "/huge:v1",
                    "blob larger than announced", bad.host() + "/longblob:v1",
                    "redirect loop", looping.host() + "/lab/loop:v1");
            StringBuilder images = new StringBuilder(source.host() + "/lab/good:v1: " + t + "/mirror/good\n");
            int n = 0;
            for (String reference : cases.values()) {
                images.append(reference).append(": ").append(t).append("/bad/case").append(n++).append('\n');
            }
            Files.writeString(work.resolve("images.yaml"), images);
            Files.writeString(work.resolve("auth.yaml"), """
                    %s: {insecure: true}
                    %s: {insecure: true}
                    %s: {username: owner, password: not-the-password, insecure: true}
                    %s: {insecure: true}
                    %s: {insecure: true}
                    127.0.0.1:%d: {insecure: true}
                    """.formatted(source.host(), t, locked.host(), bad.host(), looping.host(), closedPort));

            JarRun run = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml",
                    "--retries", "0");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(255);
            assertThat(run.summary()).startsWith("Sync finished (partial): 1 image synced, 0 unchanged, 9 failed");
            Map<String, String> expected = Map.of(
                    "unknown host", "unknown host",
                    "connection refused", "Connection refused",
                    "wrong password", "HTTP 401 UNAUTHORIZED: credentials missing or refused",
                    "missing tag", "manifest unknown",
                    "HTML instead of JSON", "unsupported manifest media type 'text/html'",
                    "unknown media type", "unsupported manifest media type 'application/vnd.oci.artifact.manifest.v1+json'",
                    "manifest over 4 MiB", "manifest larger than 4 MiB",
                    "blob larger than announced", "announced",
                    "redirect loop", "redirect loop");
            for (Map.Entry<String, String> bad2 : cases.entrySet()) {
                String line = run.stdout().lines().filter(l -> l.contains(bad2.getValue() + " -> "))
                        .findFirst().orElseThrow(() -> new AssertionError("no line for " + bad2.getKey() + "\n" + run));
                assertThat(line).as(bad2.getKey()).contains("failed: ").contains(expected.get(bad2.getKey()));
            }
        }
        assertThat(Skopeo.inspectRaw(target, "mirror/good:v1")).isEqualTo(good.manifest());
    }
}

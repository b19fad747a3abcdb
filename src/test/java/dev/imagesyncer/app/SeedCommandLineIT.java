package dev.imagesyncer.app;

import dev.imagesyncer.testing.RegistryExtension;
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

/**
 * The command line from a cloud vendor's migration guide, run with the packaged jar, local registries standing
 * in for the cloud hosts: {@code --auth=./auth.json --images=./images.json --namespace=dev-container
 * --registry=HOST --retries=3 --log=./log}, with destinations given as {@code ""}.
 */
class SeedCommandLineIT {

    @RegisterExtension
    static final RegistryExtension source = RegistryExtension.basicAuth("harbor", "harbor-pass");
    @RegisterExtension
    static final RegistryExtension target = RegistryExtension.basicAuth("swr", "swr-pass");

    @TempDir
    Path work;

    @Test
    void the_migration_guide_command_line_copies_into_registry_and_namespace() throws Exception {
        TestImage nginx = TestImages.dockerManifestList(2, 4096);
        TestImage app = TestImages.ociManifest(2, 4096);
        RegistrySeeder.of(source).push("library/nginx", "1.25", nginx);
        RegistrySeeder.of(source).push("team/app", "v1", app);
        RegistrySeeder.of(source).push("team/app", "v2", app);
        Files.writeString(work.resolve("auth.json"), """
                {
                  "%s": {"username": "harbor", "password": "${HARBOR_PASSWORD}", "insecure": true},
                  "%s": {"username": "swr", "password": "swr-pass", "insecure": true}
                }
                """.formatted(source.host(), target.host()));
        Files.writeString(work.resolve("images.json"), """
                {
                  "%1$s/library/nginx:1.25": "",
                  "%1$s/team/app": ""
                }
                """.formatted(source.host()));

        JarRun run = JarRun.in(work, Map.of("HARBOR_PASSWORD", "harbor-pass"),
                "--auth=./auth.json", "--images=./images.json", "--namespace=dev-container",
                "--registry=" + target.host(), "--retries=3", "--log=./log");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(Skopeo.inspectRaw(target, "dev-container/nginx:1.25")).isEqualTo(nginx.manifest());
        assertThat(Skopeo.inspectRaw(target, "dev-container/app:v1")).isEqualTo(app.manifest());
        assertThat(Skopeo.inspectRaw(target, "dev-container/app:v2")).isEqualTo(app.manifest());
        assertThat(run.summary()).contains("3 images synced, 0 unchanged, 0 failed");
        assertThat(run.stdout()).contains("[3/3]");
        String log = Files.readString(work.resolve("log"));
        assertThat(log).contains("Sync finished").doesNotContain("harbor-pass").doesNotContain("swr-pass");
        assertThat(run.stderr()).doesNotContain("harbor-pass");
    }
}

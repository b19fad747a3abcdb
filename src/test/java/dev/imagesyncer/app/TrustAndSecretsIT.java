package dev.imagesyncer.app;

import dev.imagesyncer.testing.RegistryExtension;
import dev.imagesyncer.testing.RegistrySeeder;
import dev.imagesyncer.testing.Skopeo;
import dev.imagesyncer.testing.TestImage;
import dev.imagesyncer.testing.TestImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TLS is verified unless a registry is insecure; a CA is trusted per registry (auth entry {@code ca}) or for all
 * ({@code --ca-file}); and no password or token shows up in anything the tool writes, even with --debug.
 */
class TrustAndSecretsIT {

    private static final String SOURCE_PASSWORD = "S0urce-Pa55-word";
    private static final String TARGET_PASSWORD = "T4rget-Pa55-word";

    @RegisterExtension
    static final RegistryExtension source = RegistryExtension.basicAuthTls("reader", SOURCE_PASSWORD);
    @RegisterExtension
    static final RegistryExtension target = RegistryExtension.tokenAuth("writer", TARGET_PASSWORD);

    private static final TestImage image = TestImages.dockerV2(2, 2048);

    @TempDir
    Path work;

    @BeforeAll
    static void seed() {
        RegistrySeeder.of(source).push("lab/app", "v1", image);
    }

    @Test
    void a_self_signed_registry_is_refused_without_its_ca_and_trusted_with_it_per_registry_or_for_all()
            throws Exception {
        Files.copy(source.caFile(), work.resolve("source-ca.pem"));
        writeImages("mirror/untrusted", "mirror/per-registry", "mirror/global");

        writeAuth("");
        JarRun refused = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images-0.yaml");
        writeAuth(", ca: source-ca.pem");
        JarRun perRegistry = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images-1.yaml");
        writeAuth("");
        JarRun global = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images-2.yaml",
                "--ca-file", "source-ca.pem");

        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(255);
        assertThat(refused.stdout()).contains("failed: ").contains("TLS failed");
        assertThat(perRegistry.exitCode()).as(perRegistry.toString()).isZero();
        assertThat(global.exitCode()).as(global.toString()).isZero();
        assertThat(Skopeo.inspectRaw(target, "mirror/per-registry:v1")).isEqualTo(image.manifest());
        assertThat(Skopeo.inspectRaw(target, "mirror/global:v1")).isEqualTo(image.manifest());
    }

    @Test
    void no_password_or_token_appears_in_output_logs_reports_or_events_even_with_debug() throws Exception {
        Files.copy(source.caFile(), work.resolve("source-ca.pem"));
        writeImages("mirror/secret-free");
        writeAuth(", ca: source-ca.pem");
        Files.writeString(work.resolve("application.properties"), "sync.events.uri = file:events\n");

        JarRun run = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images-0.yaml", "--debug",
                "--log", "debug.log", "--reports", "reports", "--output-success-images", "synced.yaml");
        Files.writeString(work.resolve("auth.yaml"), Files.readString(work.resolve("auth.yaml"))
                .replace(TARGET_PASSWORD, "wrong-" + TARGET_PASSWORD));
        JarRun wrong = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images-0.yaml", "--debug");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(wrong.exitCode()).as(wrong.toString()).isEqualTo(255);
        assertThat(Files.readString(work.resolve("debug.log"))).contains("DEBUG");
        List<String> written = new ArrayList<>(List.of(run.stdout(), run.stderr(), wrong.stdout(), wrong.stderr()));
        try (Stream<Path> files = Files.walk(work)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                if (!file.getFileName().toString().startsWith("auth") && !file.toString().endsWith(".pem")) {
                    written.add(Files.readString(file));
                }
            }
        }
        assertThat(written).hasSizeGreaterThan(6).allSatisfy(text -> assertThat(text)
                .doesNotContain(SOURCE_PASSWORD).doesNotContain(TARGET_PASSWORD)
                .doesNotContain("Bearer ey").doesNotContain("Basic "));
    }

    private void writeAuth(String sourceExtra) throws Exception {
        Files.writeString(work.resolve("auth.yaml"), """
                %s: {username: reader, password: %s%s}
                %s: {username: writer, password: %s, insecure: true}
                """.formatted(source.host(), SOURCE_PASSWORD, sourceExtra, target.host(), TARGET_PASSWORD));
    }

    private void writeImages(String... destinations) throws Exception {
        for (int i = 0; i < destinations.length; i++) {
            Files.writeString(work.resolve("images-" + i + ".yaml"), "%s/lab/app:v1: %s/%s\n"
                    .formatted(source.host(), target.host(), destinations[i]));
        }
    }
}

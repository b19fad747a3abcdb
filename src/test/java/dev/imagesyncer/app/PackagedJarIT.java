package dev.imagesyncer.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the fat jar that `mvn package` built, as a user would, from a directory of its own. */
class PackagedJarIT {

    @TempDir
    Path elsewhere;

    @Test
    void prints_its_usage_from_any_directory() throws Exception {
        Path jar = Path.of(System.getProperty("imagesyncer.jar", "target/camel-image-syncer.jar")).toAbsolutePath();
        assertThat(jar).exists();

        Process process = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(), "--help"))
                .directory(elsewhere.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).startsWith("Usage: camel-image-syncer").contains("--version");
        try (var files = Files.list(elsewhere)) {
            assertThat(files).as("runs without leaving files behind").isEmpty();
        }
    }
}

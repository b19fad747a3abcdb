package dev.imagesyncer.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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

    @Test
    void says_its_version_its_commit_and_the_versions_of_camel_and_java() throws Exception {
        Path jar = Path.of(System.getProperty("imagesyncer.jar", "target/camel-image-syncer.jar")).toAbsolutePath();
        Process process = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(), "--version"))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(output.lines()).as(output).hasSize(3);
        assertThat(output).containsPattern("^camel-image-syncer \\S+ \\(commit [0-9a-f]{7,}(-dirty)?\\)")
                .contains("Apache Camel 4.").contains("Java " + System.getProperty("java.version"));
    }

    @Test
    void carries_the_documented_application_properties_at_its_root() throws Exception {
        Path jar = Path.of(System.getProperty("imagesyncer.jar", "target/camel-image-syncer.jar")).toAbsolutePath();
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
            java.util.zip.ZipEntry entry = zip.getEntry("application.properties");
            assertThat(entry).as("application.properties at the root of the jar").isNotNull();
            assertThat(new String(zip.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo(Files.readString(Path.of("application.properties")))
                    .contains("sync.retries = 2", "sync.proc = 5");
        }
    }

    @Test
    void the_launcher_trains_a_cache_for_the_newest_jdk_on_a_first_sync_then_starts_from_it() throws Exception {
        Path cache = elsewhere.resolve("cache");
        Files.writeString(elsewhere.resolve("empty.yaml"), "{}");

        String first = run(cache, Map.of(), "--images", elsewhere.resolve("empty.yaml").toString());
        List<String> made = cacheFiles(cache);
        String second = run(cache, Map.of(), "--images", elsewhere.resolve("empty.yaml").toString());

        assertThat(first).contains("Sync finished (succeeded): 0 images synced");
        assertThat(made).as("an AOT cache on JDK 24 and later, else a class-data archive").singleElement()
                .asString().startsWith("camel-image-syncer-").containsPattern("-jdk[0-9][^/]*\\.(aot|jsa)$");
        assertThat(second).contains("Sync finished (succeeded): 0 images synced").doesNotContain("warning");
        assertThat(cacheFiles(cache)).isEqualTo(made);
    }

    @Test
    void the_launcher_on_a_jdk_before_24_keeps_a_class_data_archive() throws Exception {
        Path jdk17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(jdk17), "no JDK 17 at " + jdk17);
        Path cache = elsewhere.resolve("cache17");
        Files.writeString(elsewhere.resolve("empty.yaml"), "{}");
        Map<String, String> java17 = Map.of("CAMEL_IMAGE_SYNCER_JAVA", jdk17.toString());

        String first = run(cache, java17, "--images", elsewhere.resolve("empty.yaml").toString());
        String second = run(cache, java17, "--images", elsewhere.resolve("empty.yaml").toString());

        assertThat(first).contains("Sync finished (succeeded)");
        assertThat(second).contains("Sync finished (succeeded)").doesNotContain("warning");
        assertThat(cacheFiles(cache)).singleElement().asString().contains("-jdk17").endsWith(".jsa");
    }

    private static List<String> cacheFiles(Path cache) throws java.io.IOException {
        try (var files = Files.list(cache.resolve("camel-image-syncer"))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Runs {@code bin/camel-image-syncer} with its cache in {@code cache}; returns what it printed. */
    private static String run(Path cache, Map<String, String> environment, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of("bin/camel-image-syncer")
                .toAbsolutePath().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        builder.environment().put("XDG_CACHE_HOME", cache.toString());
        builder.environment().put("CAMEL_IMAGE_SYNCER_JAR",
                Path.of(System.getProperty("imagesyncer.jar", "target/camel-image-syncer.jar")).toAbsolutePath().toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}

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
        // what an upgrade leaves: another build's cache unread for 40 days, another read yesterday; upload journals
        Path dir = Files.createDirectories(cache.resolve("camel-image-syncer"));
        Files.createDirectories(dir.resolve("uploads"));
        Path stale = Files.writeString(dir.resolve("camel-image-syncer-1-2-jdk25.0.1+8-LTS.aot"), "old");
        Path recent = Files.writeString(dir.resolve("camel-image-syncer-3-4-jdk21.0.9.jsa"), "recent");
        readAt(stale, 40);
        readAt(recent, 1);
        List<String> before = cacheFiles(cache);

        String typo = launch(Path.of("bin/camel-image-syncer").toAbsolutePath(), 2, Map.of("XDG_CACHE_HOME",
                cache.toString()), "--images", elsewhere.resolve("missing.yaml").toString());
        assertThat(typo).contains("no such file");
        assertThat(cacheFiles(cache)).as("no cache from a run that copied nothing").isEqualTo(before);
        String first = run(cache, Map.of(), "--images", elsewhere.resolve("empty.yaml").toString());
        List<String> made = cacheFiles(cache).stream().filter(name -> !before.contains(name)).toList();
        String second = run(cache, Map.of(), "--images", elsewhere.resolve("empty.yaml").toString());

        assertThat(first).contains("Sync finished (succeeded): 0 images synced");
        assertThat(made).as("an AOT cache on JDK 24 and later, else a class-data archive").singleElement()
                .asString().startsWith("camel-image-syncer-").containsPattern("-jdk[0-9][^/]*\\.(aot|jsa)$");
        assertThat(second).contains("Sync finished (succeeded): 0 images synced").doesNotContain("warning");
        assertThat(cacheFiles(cache)).as("the stale cache removed, the recent one and the journals kept")
                .containsExactlyInAnyOrder(made.get(0), recent.getFileName().toString(), "uploads");
    }

    @Test
    void the_launcher_finds_its_jar_through_links_and_starts_without_a_writable_cache() throws Exception {
        Path bin = Path.of("bin").toAbsolutePath();
        Path linkedBin = Files.createSymbolicLink(elsewhere.resolve("linked-bin"), bin);
        Path linkedLauncher = Files.createSymbolicLink(elsewhere.resolve("camel-image-syncer"),
                bin.resolve("camel-image-syncer"));
        Path notADirectory = Files.writeString(elsewhere.resolve("a-file"), "");

        // the jar beside bin/, found from a link to bin/ and from a link to the launcher
        assertThat(launch(linkedBin.resolve("camel-image-syncer"), Map.of("XDG_CACHE_HOME",
                elsewhere.resolve("cache").toString()), "--version")).startsWith("camel-image-syncer ");
        assertThat(launch(linkedLauncher, Map.of("XDG_CACHE_HOME", elsewhere.resolve("cache").toString()),
                "--version")).startsWith("camel-image-syncer ");
        assertThat(launch(linkedLauncher, Map.of("XDG_CACHE_HOME", notADirectory.toString()), "--version"))
                .startsWith("camel-image-syncer: cannot write " + notADirectory + "/camel-image-syncer "
                        + "(set XDG_CACHE_HOME): starting without a cache")
                .contains("camel-image-syncer 0.");
    }

    @Test
    void holds_picocli_as_java_17_classes_which_the_start_up_caches_can_keep() throws Exception {
        // picocli's own jar is Java 5 bytecode, which neither the AOT cache nor AppCDS keeps; the build recompiles it
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(
                System.getProperty("imagesyncer.jar", "target/camel-image-syncer.jar"))) {
            byte[] header = zip.getInputStream(zip.getEntry("picocli/CommandLine.class")).readNBytes(8);
            assertThat(((header[6] & 0xff) << 8) | (header[7] & 0xff)).as("class file major version").isEqualTo(61);
            assertThat(zip.stream().filter(entry -> entry.getName().equals("picocli/CommandLine.class")).count())
                    .isEqualTo(1);
        }
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

    /** Sets when {@code file} was last read to {@code days} days ago. */
    private static void readAt(Path file, int days) throws java.io.IOException {
        Files.getFileAttributeView(file, java.nio.file.attribute.BasicFileAttributeView.class).setTimes(null,
                java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(java.time.Duration.ofDays(days))),
                null);
    }

    private static List<String> cacheFiles(Path cache) throws java.io.IOException {
        try (var files = Files.list(cache.resolve("camel-image-syncer"))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Runs {@code bin/camel-image-syncer} with its cache in {@code cache}; returns what it printed. */
    private static String run(Path cache, Map<String, String> environment, String... args) throws Exception {
        Map<String, String> all = new java.util.HashMap<>(environment);
        all.put("XDG_CACHE_HOME", cache.toString());
        all.put("CAMEL_IMAGE_SYNCER_JAR",
                Path.of(System.getProperty("imagesyncer.jar", "target/camel-image-syncer.jar")).toAbsolutePath().toString());
        return launch(Path.of("bin/camel-image-syncer").toAbsolutePath(), all, args);
    }

    /** Runs {@code launcher} with {@code environment} added; returns what it printed (stderr first, then stdout). */
    private static String launch(Path launcher, Map<String, String> environment, String... args) throws Exception {
        return launch(launcher, 0, environment, args);
    }

    /** {@link #launch(Path, Map, String...)}, which must end with {@code exitCode}. */
    private static String launch(Path launcher, int exitCode, Map<String, String> environment, String... args)
            throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(launcher.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("CAMEL_IMAGE_SYNCER_JAR");
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isEqualTo(exitCode);
        return output;
    }
}

package dev.imagesyncer.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** bash demo/demo.sh, as the README tells a newcomer to run it: it mirrors, and stops what it started. */
class DemoIT {

    @TempDir
    Path tmp;

    @Test
    void the_demo_mirrors_three_images_and_leaves_no_registry_running() throws Exception {
        Path log = Files.createDirectory(tmp.resolve("log")).resolve("demo.txt");
        ProcessBuilder demo = new ProcessBuilder("bash", "demo/demo.sh").redirectErrorStream(true)
                .redirectOutput(log.toFile());
        demo.environment().put("TMPDIR", tmp.toString());
        Process process = demo.start();
        boolean ended = process.waitFor(180, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(ended).as(output).isTrue();

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("Sync finished (succeeded): 3 images synced")
                .contains("Sync finished (succeeded): 0 images synced, 3 unchanged").doesNotContain("\u001b[");
        Thread.sleep(500);
        assertThat(registriesUnder(tmp)).as("registries the demo started, still running").isEmpty();
    }

    /** The command lines of running docker-registry processes whose configuration lies under {@code dir}. */
    private static List<String> registriesUnder(Path dir) throws Exception {
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            return processes.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .map(p -> {
                        try {
                            return Files.readString(p.resolve("cmdline")).replace('\0', ' ');
                        } catch (Exception gone) {
                            return "";
                        }
                    })
                    .filter(cmd -> cmd.contains("docker-registry") && cmd.contains(dir.toString()))
                    .toList();
        }
    }
}

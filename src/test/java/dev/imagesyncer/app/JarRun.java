package dev.imagesyncer.app;

import dev.imagesyncer.testing.RegistryEndpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the packaged jar as a user would: {@code java -jar camel-image-syncer.jar ARGS} in a directory. */
record JarRun(int exitCode, String stdout, String stderr) {

    static Path jar() {
        return Path.of(System.getProperty("imagesyncer.jar", "target/camel-image-syncer.jar")).toAbsolutePath();
    }

    static JarRun in(Path directory, Map<String, String> environment, String... args)
            throws IOException, InterruptedException {
        return start(directory, environment, args).finish();
    }

    /** Starts the jar and returns at once, so that a test can watch it and kill it. */
    static Running start(Path directory, Map<String, String> environment, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar().toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(directory, "stdout", ".txt");
        Path err = Files.createTempFile(directory, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        // the upload journal and the launcher's archive stay in the test's directory
        builder.environment().put("XDG_CACHE_HOME", directory.resolve("cache").toString());
        builder.environment().putAll(environment);
        return new Running(builder.start(), out, err);
    }

    /** A run of the jar in progress; its output goes to files that can be read while it runs. */
    record Running(Process process, Path out, Path err) {

        String stdoutSoFar() throws IOException {
            return Files.readString(out, StandardCharsets.UTF_8);
        }

        /** Waits until stdout has {@code lines} lines that start with {@code prefix}; fails after a minute. */
        void awaitLines(String prefix, int lines) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (stdoutSoFar().lines().filter(line -> line.startsWith(prefix)).count() < lines) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("no " + lines + " lines starting with '" + prefix + "' in:\n"
                            + stdoutSoFar() + Files.readString(err));
                }
                Thread.sleep(20);
            }
        }

        /** Waits until stderr (the log) holds {@code text}; fails after a minute or when the process ends. */
        void awaitStderr(String text) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (!Files.readString(err, StandardCharsets.UTF_8).contains(text)) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("no '" + text + "' in:\n" + stdoutSoFar() + Files.readString(err));
                }
                Thread.sleep(20);
            }
        }

        /**
         * Waits until the upload journal of a run in {@code directory} holds an entry of at least {@code offset}
         * bytes, and returns that entry's offset; fails after a minute or when the process ends first.
         */
        long awaitJournalOffset(Path directory, long offset) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (System.nanoTime() < deadline && process.isAlive()) {
                for (long journaled : journalOffsets(directory)) {
                    if (journaled >= offset) {
                        return journaled;
                    }
                }
                Thread.sleep(20);
            }
            throw new AssertionError("no journal entry of " + offset + " bytes or more:\n" + stdoutSoFar()
                    + Files.readString(err));
        }

        /** SIGTERM, as {@code kill} or systemd's stop: the process stops gracefully; returns at once. */
        void terminate() {
            process.destroy();
        }

        /** SIGKILL, as {@code kill -9}: no shutdown hook, no clean-up. */
        void kill() throws InterruptedException {
            process.destroyForcibly().waitFor();
        }

        JarRun finish() throws IOException, InterruptedException {
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("the jar did not finish within 5 minutes: " + Files.readString(err));
            }
            JarRun run = new JarRun(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.delete(out);
            Files.delete(err);
            return run;
        }
    }

    /**
     * The offsets (bytes the registry confirmed) of the upload journal's entries, for runs started in
     * {@code directory} (its {@code XDG_CACHE_HOME} is {@code directory/cache}); empty when there are none.
     */
    static List<Long> journalOffsets(Path directory) throws IOException {
        Path journal = directory.resolve("cache/camel-image-syncer/uploads");
        if (!Files.isDirectory(journal)) {
            return List.of();
        }
        List<Long> offsets = new ArrayList<>();
        try (var entries = Files.list(journal)) {
            for (Path entry : entries.filter(file -> file.toString().endsWith(".upload")).toList()) {
                Files.readAllLines(entry).stream().filter(line -> line.startsWith("offset="))
                        .map(line -> Long.parseLong(line.substring("offset=".length()).trim()))
                        .forEach(offsets::add);
            }
        } catch (java.nio.file.NoSuchFileException renamedMeanwhile) {
            return journalOffsets(directory);
        }
        return offsets;
    }

    /** Writes {@code auth.yaml} into {@code directory}, marking the test registries insecure (they speak plain http). */
    /**
     * A copy of the routes fixture {@code name} (under {@code src/test/resources/routes-fixtures}: the shipped
     * routes with one edit) in {@code directory}, for {@code --routes}.
     */
    static Path routesFixture(Path directory, String name) throws IOException {
        Path routes = Files.createDirectories(directory.resolve("routes-" + name));
        Files.copy(Path.of("src/test/resources/routes-fixtures", name, "sync.camel.yaml"),
                routes.resolve("sync.camel.yaml"));
        return routes;
    }

    static void writeInsecureAuth(Path directory, RegistryEndpoint... registries) throws IOException {
        StringBuilder yaml = new StringBuilder();
        for (RegistryEndpoint registry : registries) {
            yaml.append(registry.host()).append(": {insecure: true}\n");
        }
        Files.writeString(directory.resolve("auth.yaml"), yaml);
    }

    /** The closing summary line, which the tests read as a user would. */
    String summary() {
        return stdout.lines().filter(line -> line.startsWith("Sync finished") || line.startsWith("Dry run ("))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no summary in:\n" + stdout + "\n" + stderr));
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
}

package dev.imagesyncer.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** File helpers shared by the harness. */
final class TestFiles {

    private TestFiles() {
    }

    /** Deletes {@code dir} and everything under it; quietly does nothing for null or a missing path. */
    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last {@code lines} lines of a text file, or a note if it cannot be read. */
    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", new ArrayList<>(all.subList(Math.max(0, all.size() - lines), all.size())));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    /**
     * Finds an executable: first {@code /usr/bin/NAME}, then each directory of {@code PATH}.
     *
     * @throws IllegalStateException naming {@code installHint} when it is nowhere (a failure, not a skip)
     */
    static Path requireExecutable(String name, String installHint) {
        List<Path> candidates = new ArrayList<>();
        candidates.add(Path.of("/usr/bin", name));
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                if (!dir.isEmpty()) {
                    candidates.add(Path.of(dir, name));
                }
            }
        }
        return candidates.stream().filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new IllegalStateException(name + " not found: install it with " + installHint));
    }
}

package dev.imagesyncer.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The directory of {@code --routes}, checked before Camel starts, so that each mistake gets its own line. */
final class RoutesDirectory {

    /** The routes the application sends to: direct:sync (a run) and direct:run (an opened run). */
    private static final String[] NEEDED = {"sync", "run"};

    private RoutesDirectory() {
    }

    /** What is wrong with {@code directory} as {@code --routes}, in one line; null when nothing is (or it is null). */
    static String problem(Path directory) {
        if (directory == null) {
            return null;
        }
        if (!Files.isDirectory(directory)) {
            return "--routes: no such directory: " + directory;
        }
        List<Path> routes;
        try (Stream<Path> files = Files.list(directory)) {
            routes = files.filter(file -> file.getFileName().toString().endsWith(".camel.yaml")).sorted().toList();
        } catch (IOException e) {
            return "--routes: cannot read " + directory + " (" + e.getClass().getSimpleName() + ")";
        }
        if (routes.isEmpty()) {
            return "--routes: " + directory + " holds no *.camel.yaml file; copy the shipped routes/*.camel.yaml "
                    + "there and edit them";
        }
        StringBuilder all = new StringBuilder();
        for (Path route : routes) {
            try {
                all.append(Files.readString(route)).append('\n');
            } catch (IOException e) {
                return "--routes: cannot read " + route + " (" + e.getClass().getSimpleName() + ")";
            }
        }
        for (String id : NEEDED) {
            Pattern consumer = Pattern.compile("(?m)^\\s*uri:\\s*[\"']?direct:" + id + "(\\?[^\"'\\s]*)?[\"']?\\s*(#.*)?$");
            if (!consumer.matcher(all).find()) {
                return "--routes: no route of " + directory + " starts from direct:" + id + " (the route " + id
                        + "); copy the shipped routes/sync.camel.yaml there and edit it";
            }
        }
        return null;
    }
}

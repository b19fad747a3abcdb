package dev.imagesyncer.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The directory of {@code --routes}, checked before Camel starts, so that each mistake gets its own line. */
final class RoutesDirectory {

    private static final Pattern SYNC_CONSUMER = Pattern.compile("(?m)^\\s*uri:\\s*[\"']?direct:sync[\"']?\\s*$");

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
        for (Path route : routes) {
            try {
                if (SYNC_CONSUMER.matcher(Files.readString(route)).find()) {
                    return null;
                }
            } catch (IOException e) {
                return "--routes: cannot read " + route + " (" + e.getClass().getSimpleName() + ")";
            }
        }
        return "--routes: no route of " + directory + " starts from direct:sync (the route sync); copy the shipped "
                + "routes/sync.camel.yaml there and edit it";
    }
}

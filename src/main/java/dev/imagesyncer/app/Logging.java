package dev.imagesyncer.app;

import java.nio.file.Path;

/**
 * Chooses the logging set-up before the first logger exists: the log goes to stderr, or to {@code --log}'s
 * file; progress lines and the summary always reach the terminal (stdout).
 */
final class Logging {

    private Logging() {
    }

    static void configure(Path logFile, boolean debug) {
        System.setProperty("imagesyncer.logLevel", debug ? "debug" : "info");
        if (logFile != null) {
            System.setProperty("imagesyncer.logFile", logFile.toAbsolutePath().toString());
            System.setProperty("log4j2.configurationFile", "log4j2-file.properties");
        }
    }
}

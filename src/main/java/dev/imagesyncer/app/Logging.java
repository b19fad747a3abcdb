package dev.imagesyncer.app;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * Chooses the logging set-up before the first logger exists: SLF4J over the JDK's own logging
 * ({@code java.util.logging}, through slf4j-jdk14), which starts in a few milliseconds. The log goes to stderr, or
 * to {@code --log}'s file (truncated at start, as image-syncer does); progress lines and the summary
 * ({@code dev.imagesyncer.progress}) always reach the terminal (stdout), and the file too. Lines read
 * {@code 2026-11-29 22:36:39 INFO  ActiveRuns - message}; {@code --debug} shows this tool's debug lines; Camel,
 * HttpClient and Quartz say warnings and errors only.
 */
final class Logging {

    /** The logger of progress lines and the summary. */
    static final String PROGRESS = "dev.imagesyncer.progress";
    /** JUL keeps loggers weakly: the configured ones are held here so that their levels stay. */
    private static final List<Logger> CONFIGURED = new ArrayList<>();

    private Logging() {
    }

    /**
     * Sets up the log; call before anything logs.
     *
     * @param logFile the file the log goes to, or null for stderr
     * @param debug   this tool's debug lines too
     * @throws UncheckedIOException when {@code logFile} cannot be written
     */
    static synchronized void configure(Path logFile, boolean debug) {
        chooseManager();
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        Handler log = logFile == null ? stderr() : file(logFile);
        root.addHandler(log);
        root.setLevel(Level.INFO);
        level("dev.imagesyncer", debug ? Level.FINE : Level.INFO);
        level("org.apache.camel", Level.WARNING);
        level("org.apache.hc", Level.WARNING);
        level("org.quartz", Level.WARNING);
        Logger progress = level(PROGRESS, debug ? Level.FINE : Level.INFO);
        progress.setUseParentHandlers(false);
        progress.addHandler(flushing(System.out, new MessageOnly()));
        if (logFile != null) {
            progress.addHandler(log);
        }
    }

    /** The first thing the process does: the JDK reads the log manager's class once, when logging starts. */
    static void chooseManager() {
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", StayingLogManager.class.getName());
        }
    }

    private static Logger level(String name, Level level) {
        Logger logger = Logger.getLogger(name);
        logger.setLevel(level);
        CONFIGURED.add(logger);
        return logger;
    }

    private static Handler stderr() {
        ConsoleHandler handler = new ConsoleHandler(); // System.err, flushed after each line
        handler.setLevel(Level.ALL);
        handler.setFormatter(new Line());
        return handler;
    }

    private static Handler file(Path logFile) {
        try {
            return flushing(new FileOutputStream(logFile.toFile(), false), new Line());
        } catch (IOException e) {
            throw new UncheckedIOException("--log " + logFile + ": " + e.getMessage(), e);
        }
    }

    /** A handler that writes each line at once and never closes the stream it was given (stdout stays open). */
    private static Handler flushing(OutputStream out, Formatter formatter) {
        StreamHandler handler = new StreamHandler(out, formatter) {
            @Override
            public synchronized void publish(LogRecord record) {
                super.publish(record);
                flush();
            }

            @Override
            public synchronized void close() {
                flush();
            }
        };
        handler.setLevel(Level.ALL);
        return handler;
    }

    /** {@code 2026-11-29 22:36:39 WARN  ActiveRuns - message}, then the stack trace of an exception logged with it. */
    static final class Line extends Formatter {

        private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
                .withZone(ZoneId.systemDefault());

        @Override
        public String format(LogRecord record) {
            String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
            StringBuilder line = new StringBuilder(128).append(TIME.format(record.getInstant())).append(' ')
                    .append(String.format("%-5s", levelName(record.getLevel()))).append(' ')
                    .append(logger.substring(logger.lastIndexOf('.') + 1)).append(" - ").append(record.getMessage())
                    .append(System.lineSeparator());
            if (record.getThrown() != null) {
                StringWriter trace = new StringWriter();
                record.getThrown().printStackTrace(new PrintWriter(trace));
                line.append(trace);
            }
            return line.toString();
        }

        /** SLF4J's names for the levels slf4j-jdk14 maps to JUL's. */
        private static String levelName(Level level) {
            int value = level.intValue();
            return value >= Level.SEVERE.intValue() ? "ERROR" : value >= Level.WARNING.intValue() ? "WARN"
                    : value >= Level.INFO.intValue() ? "INFO" : value >= Level.FINE.intValue() ? "DEBUG" : "TRACE";
        }
    }

    /** The message alone: progress lines and the summary. */
    static final class MessageOnly extends Formatter {
        @Override
        public String format(LogRecord record) {
            return record.getMessage() + System.lineSeparator();
        }
    }

    /**
     * The JDK's log manager resets every logger when the JVM begins to stop, before the stop hook
     * ({@link GracefulStop}) logs what it does; this one keeps them until the process ends.
     */
    public static final class StayingLogManager extends LogManager {
        @Override
        public void reset() {
            // the configuration of configure() stays for the whole process
        }
    }
}

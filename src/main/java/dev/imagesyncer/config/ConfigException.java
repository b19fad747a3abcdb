package dev.imagesyncer.config;

/**
 * A problem with a configuration file. The message is always one line that names the file, the entry (when there
 * is one) and what is wrong, e.g. {@code images.yaml: "quay.io/app:/a(/": invalid tag regex /a(/: Unclosed group};
 * callers print {@link #getMessage()} as it is, without a stack trace.
 */
public class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(oneLine(message));
    }

    public ConfigException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /** {@code file: problem}. */
    static ConfigException inFile(String file, String problem) {
        return new ConfigException(file + ": " + problem);
    }

    /** {@code file: "entry": problem}. */
    static ConfigException atEntry(String file, String entry, String problem) {
        return new ConfigException(file + ": " + quote(entry) + ": " + problem);
    }

    /** {@code file: "source" -> "destination": problem}. */
    static ConfigException atDestination(String file, String source, String destination, String problem) {
        return new ConfigException(file + ": " + quote(source) + " -> " + quote(destination) + ": " + problem);
    }

    static String quote(String text) {
        return "\"" + text + "\"";
    }

    // Parser messages (SnakeYAML's above all) span several lines; one line keeps logs and terminals readable.
    private static String oneLine(String message) {
        return message == null ? null : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}

package dev.imagesyncer.app;

import org.apache.camel.spi.PropertiesComponent;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Reads {@code sync.*} properties through Camel's properties component (the packaged
 * {@code application.properties}, the working directory's or {@code --properties}, then the flags as override
 * properties). A blank value counts as not set. A bad value is an {@link IllegalArgumentException} whose message
 * names the property and the flag that sets it.
 */
final class SyncProperties {

    private final PropertiesComponent properties;

    SyncProperties(PropertiesComponent properties) {
        this.properties = properties;
    }

    /** The trimmed value, or null when unset or blank. */
    String text(String key) {
        return properties.resolveProperty(key).map(String::trim).filter(value -> !value.isEmpty()).orElse(null);
    }

    String text(String key, String fallback) {
        String value = text(key);
        return value != null ? value : fallback;
    }

    Path path(String key) {
        String value = text(key);
        return value != null ? Path.of(value) : null;
    }

    /** A comma-separated list, without blanks. */
    List<String> list(String key) {
        String value = text(key);
        return value == null ? List.of()
                : Arrays.stream(value.split(",")).map(String::trim).filter(item -> !item.isEmpty()).toList();
    }

    /**
     * Regexes: one per line when the value has several lines (the flags write them so, since a regex may hold a
     * comma), else a comma-separated list.
     */
    List<String> regexes(String key) {
        String value = properties.resolveProperty(key).orElse("");
        return Arrays.stream(value.split(value.contains("\n") ? "\n" : ",")).map(String::trim)
                .filter(item -> !item.isEmpty()).toList();
    }

    /** {@code true} or {@code false} (false when unset). */
    boolean bool(String key, String flag) {
        String value = text(key, "false");
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException(key + " (" + flag + ") must be true or false, not " + value);
        }
        return Boolean.parseBoolean(value);
    }

    /**
     * A whole number of at least {@code min}.
     *
     * @param flag the command-line flag or variable that sets it, for the message
     */
    long number(String key, String flag, long min, long fallback) {
        String value = text(key);
        if (value == null) {
            return fallback;
        }
        try {
            long number = Long.parseLong(value);
            if (number >= min) {
                return number;
            }
        } catch (NumberFormatException notANumber) {
            // said below
        }
        throw new IllegalArgumentException(key + " (" + flag + ") must be a whole number, at least " + min
                + ", not " + value);
    }
}

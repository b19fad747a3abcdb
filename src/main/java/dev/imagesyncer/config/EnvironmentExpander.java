package dev.imagesyncer.config;

import java.util.Map;
import java.util.Objects;

/**
 * Expands environment variables the way image-syncer's {@code os.ExpandEnv} does, with one fix. {@code $NAME} (name
 * of letters, digits and {@code _}) and {@code ${NAME}} are replaced by the variable's value, and an undefined
 * variable by the empty string. Unlike image-syncer, {@code $$} is a literal {@code $}, so a Harbor robot account
 * {@code robot$$proj+ci} can be written inline. A {@code $} followed by anything else (or by nothing, or an
 * unclosed {@code ${}) is kept as it is.
 *
 * <p>Applies to auth user names and passwords and to destinations, never to sources.
 */
public final class EnvironmentExpander {

    private static final EnvironmentExpander NONE = new EnvironmentExpander(null);

    private final Map<String, String> environment;

    private EnvironmentExpander(Map<String, String> environment) {
        this.environment = environment;
    }

    /** Expands from {@code environment} (a test's map, or {@link System#getenv()}). */
    public static EnvironmentExpander of(Map<String, String> environment) {
        return new EnvironmentExpander(Map.copyOf(Objects.requireNonNull(environment, "environment")));
    }

    public static EnvironmentExpander system() {
        return of(System.getenv());
    }

    /** Leaves every string as it is: image-syncer does not expand the auth section of a legacy {@code --config}. */
    public static EnvironmentExpander none() {
        return NONE;
    }

    public String expand(String text) {
        if (environment == null || text == null || text.indexOf('$') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '$' || i + 1 == text.length()) {
                out.append(c);
                i++;
                continue;
            }
            char next = text.charAt(i + 1);
            if (next == '$') {
                out.append('$');
                i += 2;
            } else if (next == '{') {
                int close = text.indexOf('}', i + 2);
                if (close > i + 2) {
                    out.append(valueOf(text.substring(i + 2, close)));
                    i = close + 1;
                } else {
                    out.append(c);
                    i++;
                }
            } else if (isNameChar(next)) {
                int end = i + 1;
                while (end < text.length() && isNameChar(text.charAt(end))) {
                    end++;
                }
                out.append(valueOf(text.substring(i + 1, end)));
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private String valueOf(String name) {
        return environment.getOrDefault(name, "");
    }

    private static boolean isNameChar(char c) {
        return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }
}

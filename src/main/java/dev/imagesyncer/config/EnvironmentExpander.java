package dev.imagesyncer.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Objects;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * Expands environment variables the way image-syncer's {@code os.ExpandEnv} does, with two fixes. {@code $NAME}
 * (name of letters, digits and {@code _}) and {@code ${NAME}} are replaced by the variable's value. Unlike
 * image-syncer, a variable that is not set stays as it is written, with one warning that names it and where it
 * stands (never the text around it, which may be part of a password): a Harbor robot account
 * {@code robot$proj+ci} typed as Harbor shows it keeps its {@code $proj} instead of becoming {@code robot+ci}. And
 * {@code $$} is a literal {@code $}. A {@code $} followed by anything else (or by nothing, or an unclosed
 * {@code ${}) is kept as it is.
 *
 * <p>Applies to auth user names and passwords and to destinations, never to sources.
 */
public final class EnvironmentExpander {

    private static final EnvironmentExpander NONE = new EnvironmentExpander(null);

    private static final Logger LOG = LoggerFactory.getLogger(EnvironmentExpander.class);

    private final Map<String, String> environment;
    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();
    /** What environment variables are usually called; in a secret, other names are not repeated in warnings. */
    private static final Pattern ENVIRONMENT_NAME = Pattern.compile("[A-Z_][A-Z0-9_]*");

    private final List<String> warnings = new CopyOnWriteArrayList<>();

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

    /**
     * Expands {@code text}; {@code where} names it for the warning about a variable that is not set, e.g.
     * {@code auth.yaml: entry "harbor.lab", field username}.
     */
    public String expand(String text, String where) {
        return expand(text, where, false);
    }

    /**
     * As {@link #expand(String, String)} for a secret (a password): the warning names a variable that is not set
     * only when its name looks like one ({@code UPPER_CASE}); other text after a {@code $} may be the password's
     * own and is never repeated.
     */
    public String expandSecret(String text, String where) {
        return expand(text, where, true);
    }

    private String expand(String text, String where, boolean secret) {
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
                if (close > i + 2 && isName(text.substring(i + 2, close))) {
                    out.append(valueOf(text.substring(i + 2, close), text.substring(i, close + 1), where, secret));
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
                out.append(valueOf(text.substring(i + 1, end), text.substring(i, end), where, secret));
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** The variable's value, or {@code written} (said once per place and name) when it is not set. */
    private String valueOf(String name, String written, String where, boolean secret) {
        String value = environment.get(name);
        if (value != null) {
            return value;
        }
        String warning = secret && !ENVIRONMENT_NAME.matcher(name).matches()
                ? where + ": a $ is not followed by the name of a variable that is set, so it stays as written "
                + "(write $$ for a literal $)"
                : where + ": the variable " + name + " is not set, so it stays as written (write $$ for a literal $)";
        if (!warnings.contains(warning)) {
            warnings.add(warning);
        }
        if (LOGGED.add(warning)) {
            LOG.warn(warning); // once per process: the files are read at start and again by each run
        }
        return written;
    }

    /** The warnings so far, one per place and variable that is not set, in their order. */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    private static boolean isName(String text) {
        return !text.isEmpty() && text.chars().allMatch(c -> isNameChar((char) c));
    }

    private static boolean isNameChar(char c) {
        return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }
}

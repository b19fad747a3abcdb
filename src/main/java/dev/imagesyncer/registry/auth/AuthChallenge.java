package dev.imagesyncer.registry.auth;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A parsed {@code WWW-Authenticate} header: {@code Basic realm="..."} or
 * {@code Bearer realm="...",service="...",scope="a b",error="insufficient_scope"} (RFC 6750).
 */
public record AuthChallenge(String scheme, Map<String, String> parameters) {

    public AuthChallenge {
        scheme = scheme.toLowerCase(Locale.ROOT);
        parameters = Map.copyOf(parameters);
    }

    public boolean isBearer() {
        return scheme.equals("bearer");
    }

    public boolean isBasic() {
        return scheme.equals("basic");
    }

    public String realm() {
        return parameters.get("realm");
    }

    public Optional<String> service() {
        return Optional.ofNullable(parameters.get("service"));
    }

    /** The scopes the registry named; several may share one value, separated by spaces, in any order. */
    public Set<Scope> scopes() {
        String value = parameters.get("scope");
        Set<Scope> scopes = new LinkedHashSet<>();
        if (value != null) {
            for (String part : value.trim().split("\\s+")) {
                if (!part.isEmpty()) {
                    scopes.add(Scope.parse(part));
                }
            }
        }
        return scopes;
    }

    public Optional<String> error() {
        return Optional.ofNullable(parameters.get("error"));
    }

    /** Parses the header value; empty when it is missing or has no scheme. */
    public static Optional<AuthChallenge> parse(String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String text = header.trim();
        int space = text.indexOf(' ');
        String scheme = space < 0 ? text : text.substring(0, space);
        Map<String, String> parameters = new LinkedHashMap<>();
        int i = space < 0 ? text.length() : space + 1;
        while (i < text.length()) {
            while (i < text.length() && (text.charAt(i) == ',' || text.charAt(i) == ' ')) {
                i++;
            }
            int equals = text.indexOf('=', i);
            if (equals < 0) {
                break;
            }
            String name = text.substring(i, equals).trim().toLowerCase(Locale.ROOT);
            i = equals + 1;
            StringBuilder value = new StringBuilder();
            if (i < text.length() && text.charAt(i) == '"') {
                i++;
                while (i < text.length() && text.charAt(i) != '"') {
                    if (text.charAt(i) == '\\' && i + 1 < text.length()) {
                        i++;
                    }
                    value.append(text.charAt(i++));
                }
                i++;
            } else {
                while (i < text.length() && text.charAt(i) != ',') {
                    value.append(text.charAt(i++));
                }
            }
            parameters.put(name, value.toString().trim());
        }
        return Optional.of(new AuthChallenge(scheme, parameters));
    }
}

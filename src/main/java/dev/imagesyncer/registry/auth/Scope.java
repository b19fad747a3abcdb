package dev.imagesyncer.registry.auth;

import java.util.Set;
import java.util.TreeSet;

/**
 * A token scope such as {@code repository:lab/app:pull,push}. The resource name may itself hold a ':' (a port),
 * so the type ends at the first colon and the actions start after the last.
 */
public record Scope(String type, String name, Set<String> actions) {

    public Scope {
        actions = Set.copyOf(actions);
    }

    public static Scope pull(String repository) {
        return new Scope("repository", repository, Set.of("pull"));
    }

    /** Pushing needs pull as well: the registry checks both on every upload. */
    public static Scope push(String repository) {
        return new Scope("repository", repository, Set.of("pull", "push"));
    }

    public static Scope parse(String text) {
        int first = text.indexOf(':');
        int last = text.lastIndexOf(':');
        if (first < 0 || last == first) {
            throw new IllegalArgumentException("invalid scope '" + text + "'");
        }
        return new Scope(text.substring(0, first), text.substring(first + 1, last),
                Set.of(text.substring(last + 1).split(",")));
    }

    /** True when this scope grants everything {@code other} asks for. */
    public boolean covers(Scope other) {
        return type.equals(other.type) && name.equals(other.name)
                && (actions.contains("*") || actions.containsAll(other.actions));
    }

    @Override
    public String toString() {
        return type + ":" + name + ":" + String.join(",", new TreeSet<>(actions));
    }
}

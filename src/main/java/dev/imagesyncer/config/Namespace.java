package dev.imagesyncer.config;

import dev.imagesyncer.registry.Repository;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The repositories a namespace source names: {@code REG/ns/*} those directly under {@code ns/}, {@code REG/ns/**}
 * those at any depth below it, {@code REG/**} the whole registry; as the registry's catalog lists them, then kept
 * by the long form's {@code repositories: {include, exclude}} (Java regexes that find a match in the path below
 * the prefix).
 *
 * @param registry  the registry host, as written
 * @param prefix    the path the repositories are under, without a trailing '/'; empty for the whole registry
 * @param recursive {@code **}: at any depth; {@code *}: directly under the prefix
 * @param include   regexes a repository's path below the prefix must match one of; empty for all
 * @param exclude   regexes it must match none of
 */
public record Namespace(String registry, String prefix, boolean recursive, List<Pattern> include,
                        List<Pattern> exclude) {

    public Namespace {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(prefix, "prefix");
        include = include == null ? List.of() : List.copyOf(include);
        exclude = exclude == null ? List.of() : List.copyOf(exclude);
    }

    /** This namespace, keeping only the repositories these regexes select. */
    public Namespace withRepositories(List<Pattern> include, List<Pattern> exclude) {
        return new Namespace(registry, prefix, recursive, include, exclude);
    }

    /** A repository of the registry, for the requests that concern the whole namespace (the catalog). */
    public Repository anchor() {
        return new Repository(registry, prefix.isEmpty() ? "catalog" : prefix);
    }

    /**
     * The path of a listed repository below the prefix, when the namespace holds it and its filters keep it;
     * null otherwise.
     */
    public String below(String path) {
        String rest;
        if (prefix.isEmpty()) {
            rest = path;
        } else if (path.startsWith(prefix + "/")) {
            rest = path.substring(prefix.length() + 1);
        } else {
            return null;
        }
        if (rest.isEmpty() || (!recursive && rest.contains("/"))) {
            return null;
        }
        if (!include.isEmpty() && include.stream().noneMatch(regex -> regex.matcher(rest).find())) {
            return null;
        }
        return exclude.stream().anyMatch(regex -> regex.matcher(rest).find()) ? null : rest;
    }

    /** As written: {@code REG/ns/*}, {@code REG/ns/**}, {@code REG/**}; {@code oci:DIR}, {@code oci:DIR:ns/*}. */
    @Override
    public String toString() {
        if (Repository.namesLayout(registry)) {
            return registry + (prefix.isEmpty() ? "" : ":" + prefix + (recursive ? "/**" : "/*"));
        }
        return registry + (prefix.isEmpty() ? "" : "/" + prefix) + (recursive ? "/**" : "/*");
    }

    // Pattern has identity equality: compare the regex texts.
    @Override
    public boolean equals(Object other) {
        return other instanceof Namespace that && registry.equals(that.registry) && prefix.equals(that.prefix)
                && recursive == that.recursive && texts(include).equals(texts(that.include))
                && texts(exclude).equals(texts(that.exclude));
    }

    @Override
    public int hashCode() {
        return Objects.hash(registry, prefix, recursive, texts(include), texts(exclude));
    }

    private static List<String> texts(List<Pattern> patterns) {
        return patterns.stream().map(Pattern::pattern).toList();
    }
}

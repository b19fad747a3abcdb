package dev.imagesyncer.config;

import dev.imagesyncer.layout.Stores;
import dev.imagesyncer.registry.ImageReference;
import dev.imagesyncer.registry.Repository;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * image-syncer's image URL syntax. Every method throws {@link IllegalArgumentException} with a message that says
 * what is wrong; the caller adds the file and entry.
 */
final class RuleParser {

    /** A parsed source: its repository and selection. */
    record Source(Repository repository, Selection selection) {
    }

    private RuleParser() {
    }

    /**
     * A namespace source, {@code REG/ns/*}, {@code REG/ns/**} or {@code REG/**}; null for any other source.
     */
    static Namespace namespace(String text) {
        String trimmed = text.strip();
        if (Repository.namesLayout(trimmed)) {
            return layoutNamespace(trimmed);
        }
        boolean recursive = trimmed.endsWith("/**");
        if (!recursive && !trimmed.endsWith("/*")) {
            if (trimmed.contains("/*")) {
                throw new IllegalArgumentException("a namespace ends with /* or /** (REG/ns/*, REG/ns/**), and names "
                        + "repositories, not tags: choose tags with the long form's \"tags\"");
            }
            return null;
        }
        String base = trimmed.substring(0, trimmed.length() - (recursive ? 3 : 2));
        int slash = base.indexOf('/');
        String registry = slash < 0 ? base : base.substring(0, slash);
        String prefix = slash < 0 ? "" : base.substring(slash + 1);
        if (!(registry.contains(".") || registry.contains(":") || registry.equals("localhost"))) {
            throw new IllegalArgumentException("a namespace starts with its registry host (REG/ns/*, REG/**)");
        }
        Repository checked = new Repository(Repository.normaliseRegistry(registry), prefix.isEmpty() ? "x" : prefix);
        return new Namespace(checked.registry(), prefix, recursive, List.of(), List.of());
    }

    /**
     * A namespace in an OCI layout: the whole layout ({@code oci:DIR}, {@code oci-archive:FILE}: every repository
     * its ref names name), or {@code oci:DIR:ns/*}, {@code oci:DIR:ns/**}; null for an image of one.
     */
    private static Namespace layoutNamespace(String text) {
        int colon = text.indexOf(':', Repository.layoutPrefixLength(text));
        if (colon < 0) {
            return new Namespace(text, "", true, List.of(), List.of());
        }
        String inside = text.substring(colon + 1);
        boolean recursive = inside.endsWith("/**");
        if (!recursive && !inside.endsWith("/*")) {
            return null;
        }
        String prefix = inside.substring(0, inside.length() - (recursive ? 3 : 2));
        new Repository(text.substring(0, colon), prefix); // validates the prefix
        return new Namespace(text.substring(0, colon), prefix, recursive, List.of(), List.of());
    }

    /**
     * A namespace's destination: {@code REG/path}, the prefix under which each repository keeps its path. Written
     * out in full (no Docker Hub shorthand: {@code docker.io/org} stays {@code org}), without tag or digest.
     */
    static Repository prefix(String text) {
        String trimmed = text.strip();
        if (Repository.namesLayout(trimmed)) {
            return layoutDestinationPrefix(trimmed);
        }
        if (trimmed.contains("@") || trimmed.lastIndexOf(':') > trimmed.lastIndexOf('/')) {
            throw new IllegalArgumentException("a namespace's destination is a prefix (REG/path) under which each "
                    + "repository keeps its path: no tag or digest");
        }
        int slash = trimmed.indexOf('/');
        String host = slash < 0 ? trimmed : trimmed.substring(0, slash);
        if (!(host.contains(".") || host.contains(":") || host.equals("localhost"))) {
            throw new IllegalArgumentException("a namespace's destination starts with its registry host (REG/path)");
        }
        if (slash < 0 || slash == trimmed.length() - 1) {
            throw new IllegalArgumentException("a namespace's destination needs a path below the registry "
                    + "(REG/path), under which each repository keeps its own");
        }
        return new Repository(Repository.normaliseRegistry(host), trimmed.substring(slash + 1));
    }

    /**
     * A namespace's destination in an OCI layout: {@code oci:DIR} (each repository keeps its path) or
     * {@code oci:DIR:prefix}.
     */
    private static Repository layoutDestinationPrefix(String text) {
        int colon = text.indexOf(':', Repository.layoutPrefixLength(text));
        if (colon < 0) {
            return new Repository(text, "");
        }
        String path = text.substring(colon + 1);
        if (path.contains(":") || path.contains("@")) {
            throw new IllegalArgumentException("a namespace's destination is a prefix (oci:DIR or oci:DIR:path) "
                    + "under which each repository keeps its path: no tag or digest");
        }
        return new Repository(text.substring(0, colon), path);
    }

    /**
     * {@code repo}, {@code repo:t1,t2,...}, {@code repo:/regex/}, {@code repo@sha256:...} or
     * {@code repo:tag@sha256:...} (the digest decides).
     */
    static Source source(String text) {
        if (text.isBlank()) {
            throw new IllegalArgumentException("empty source");
        }
        // A regex may hold ',' and ':', so it is recognised first; image-syncer splits at the first ":/" (after
        // the directory of an OCI layout, oci:/DIR:, whose ":/" is not one)
        int regexStart = text.indexOf(":/", layoutPrefix(text));
        if (regexStart >= 0) {
            return regexSource(text.substring(0, regexStart), text.substring(regexStart + 2));
        }
        Source bare = bareRef(text);
        if (bare != null) {
            return bare;
        }
        String[] parts = text.split(",", -1);
        ImageReference first = ImageReference.parse(parts[0]);
        if (first.digest() != null) {
            if (parts.length > 1) {
                throw new IllegalArgumentException("a digest cannot be combined with a tag list");
            }
            return new Source(first.repository(), Selection.digest(first.digest()));
        }
        if (first.tag() == null) {
            if (parts.length > 1) {
                throw new IllegalArgumentException("a tag list must start with a tag (repo:t1,t2)");
            }
            return new Source(first.repository(), Selection.allTags());
        }
        return new Source(first.repository(), Selection.tags(tagList(first, parts)));
    }

    /**
     * {@code oci:DIR:1.0} (or {@code oci-archive:FILE:1.0}) where the layout has an entry named exactly {@code 1.0},
     * without a repository, as skopeo names them: that entry, with the tag it names (the bare entries' repository
     * is the empty path). Null for anything else, a name that cannot be a tag included.
     */
    private static Source bareRef(String text) {
        int prefix = Repository.layoutPrefixLength(text);
        int colon = prefix == 0 ? -1 : text.indexOf(':', prefix);
        if (colon < 0) {
            return null;
        }
        String name = text.substring(colon + 1);
        ImageReference entry;
        try {
            entry = new ImageReference(new Repository(text.substring(0, colon), ""), name, null);
        } catch (IllegalArgumentException notATag) {
            return null;
        }
        return Stores.namesBareRef(entry.repository(), name) ? new Source(entry.repository(),
                Selection.tags(List.of(name))) : null;
    }

    /**
     * A destination: {@code repo}, {@code repo:t1,t2,...}, {@code repo@sha256:...} or {@code repo:tag@sha256:...}.
     * No regex: a destination names images, it does not select them.
     */
    static Destination destination(String text) {
        if (text.indexOf(":/", layoutPrefix(text)) >= 0) {
            throw new IllegalArgumentException("a destination cannot be a tag regex");
        }
        String[] parts = text.split(",", -1);
        ImageReference first = ImageReference.parse(parts[0]);
        if (parts.length > 1 && first.digest() != null) {
            throw new IllegalArgumentException("a digest cannot be combined with a tag list");
        }
        if (first.tag() == null) {
            if (parts.length > 1) {
                throw new IllegalArgumentException("a tag list must start with a tag (repo:t1,t2)");
            }
            return new Destination(first.repository(), List.of(), first.digest());
        }
        return new Destination(first.repository(), tagList(first, parts), first.digest());
    }

    /** Where a rule's own syntax starts: after {@code oci:DIR:} for an image in an OCI layout, else at 0. */
    private static int layoutPrefix(String text) {
        int prefix = Repository.layoutPrefixLength(text);
        if (prefix == 0) {
            return 0;
        }
        int colon = text.indexOf(':', prefix);
        return colon < 0 ? text.length() : colon + 1;
    }

    /** image-syncer v1.0–v1.4: {@code registry/namespace/<last path element of the source>}, same tags or digest. */
    static Destination defaultDestination(Repository source, DefaultDestination defaults) {
        String name = source.path().substring(source.path().lastIndexOf('/') + 1);
        return new Destination(
                new Repository(Repository.normaliseRegistry(defaults.registry().strip()),
                        defaults.namespace().strip() + "/" + name),
                List.of(), null);
    }

    private static Source regexSource(String repositoryText, String rest) {
        if (!rest.endsWith("/")) {
            throw new IllegalArgumentException("a tag regex must end with '/' (repo:/regex/)");
        }
        String regex = rest.substring(0, rest.length() - 1);
        ImageReference reference = ImageReference.parse(repositoryText);
        if (reference.tag() != null || reference.digest() != null) {
            throw new IllegalArgumentException("a tag regex cannot be combined with a tag or digest");
        }
        try {
            // Go's RE2 names groups (?P<name>...), Java (?<name>...); the rest of RE2's syntax means the same in Java.
            Pattern pattern = Pattern.compile(regex.replace("(?P<", "(?<"));
            return new Source(reference.repository(), Selection.regex(pattern));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("invalid tag regex /" + regex + "/: " + e.getDescription());
        }
    }

    /** The first tag came with the reference; the others are taken verbatim, and each must be a valid tag. */
    private static List<String> tagList(ImageReference first, String[] parts) {
        List<String> tags = new ArrayList<>(parts.length);
        Set<String> seen = new HashSet<>();
        tags.add(first.tag());
        seen.add(first.tag());
        for (int i = 1; i < parts.length; i++) {
            String tag = parts[i];
            if (tag.isEmpty()) {
                throw new IllegalArgumentException("empty tag in tag list");
            }
            new ImageReference(first.repository(), tag, null); // validates the tag
            if (!seen.add(tag)) {
                throw new IllegalArgumentException("tag '" + tag + "' is listed twice");
            }
            tags.add(tag);
        }
        return tags;
    }
}

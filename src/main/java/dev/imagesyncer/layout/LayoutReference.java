package dev.imagesyncer.layout;

import java.nio.file.Path;
import java.util.Objects;

/**
 * An image in an OCI image layout as skopeo writes it: {@code oci:PATH} (the whole layout) or {@code oci:PATH:REF},
 * where {@code REF} is the {@code org.opencontainers.image.ref.name} of an {@code index.json} entry: a
 * repository-qualified {@code team/app:1.0} as this tool writes them, or a bare {@code 1.0} as skopeo does. The
 * path ends at the first ':' after {@code oci:}, so a path cannot hold one.
 *
 * @param directory the layout's directory
 * @param refName   the entry's name, or null for the whole layout
 */
public record LayoutReference(Path directory, String refName) {

    /** The prefix of a layout reference. */
    public static final String SCHEME = "oci:";

    public LayoutReference {
        Objects.requireNonNull(directory, "directory");
        if (refName != null && refName.isBlank()) {
            refName = null;
        }
    }

    /** True when {@code text} names an OCI image layout rather than a registry. */
    public static boolean isLayout(String text) {
        return text != null && text.trim().startsWith(SCHEME);
    }

    /**
     * Parses {@code oci:PATH[:REF]}.
     *
     * @throws IllegalArgumentException when the text is not a layout reference or has no path
     */
    public static LayoutReference parse(String text) {
        if (!isLayout(text)) {
            throw new IllegalArgumentException("'" + text + "' is not an OCI layout reference (oci:PATH[:REF])");
        }
        String rest = text.trim().substring(SCHEME.length());
        int colon = rest.indexOf(':');
        String path = colon < 0 ? rest : rest.substring(0, colon);
        if (path.isBlank()) {
            throw new IllegalArgumentException("'" + text + "' names no directory (oci:PATH[:REF])");
        }
        return new LayoutReference(Path.of(path), colon < 0 ? null : rest.substring(colon + 1));
    }

    /** True when the name keeps a repository ({@code team/app:1.0}), as a whole-layout rule needs. */
    public boolean qualified() {
        return refName != null && refName.contains("/");
    }

    @Override
    public String toString() {
        return SCHEME + directory + (refName == null ? "" : ":" + refName);
    }
}

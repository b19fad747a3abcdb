package dev.imagesyncer.registry;

import java.util.regex.Pattern;

/**
 * A repository in a registry: {@code registry} is the host (with port) as users write it, {@code path} the
 * repository name inside it. Docker Hub is always {@code docker.io}, and its API lives on another host.
 */
public record Repository(String registry, String path) {

    public static final String DOCKER_HUB = "docker.io";
    private static final String DOCKER_HUB_API = "registry-1.docker.io";

    /** The distribution spec's repository name grammar: lowercase components separated by '/'. */
    private static final Pattern PATH =
            Pattern.compile("[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]+(?::[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+](?::[0-9]{1,5})?");

    /** The prefix of an OCI image layout directory's "registry": {@code oci:<directory>} (skopeo's spelling). */
    public static final String LAYOUT = "oci:";
    /** The prefix of an OCI image layout archive's "registry": {@code oci-archive:<file.tar>}. */
    public static final String ARCHIVE = "oci-archive:";

    private static final Pattern PORT_AFTER_PREFIX = Pattern.compile("oci(?:-archive)?:[0-9]{1,5}(?:/.*)?");

    /**
     * True when {@code text} (a registry, or a whole reference) names an OCI layout: {@code oci:} and a directory
     * or {@code oci-archive:} and a file, not a registry host called {@code oci} with its port
     * ({@code oci:5000/team/app}).
     */
    public static boolean namesLayout(String text) {
        return layoutPrefixLength(text) > 0;
    }

    /**
     * The length of {@code text}'s layout prefix ({@code oci:} 4, {@code oci-archive:} 12), 0 when it names no
     * layout.
     */
    public static int layoutPrefixLength(String text) {
        if (text == null || PORT_AFTER_PREFIX.matcher(text).matches()) {
            return 0;
        }
        for (String prefix : new String[] {LAYOUT, ARCHIVE}) {
            if (text.startsWith(prefix) && text.length() > prefix.length()) {
                return prefix.length();
            }
        }
        return 0;
    }

    /**
     * A repository. For a layout, the path may be empty: the entries named without a repository ({@code 1.0}, as
     * skopeo names them).
     *
     * @throws IllegalArgumentException naming what is invalid
     */
    public Repository {
        int prefix = layoutPrefixLength(registry);
        boolean layout = prefix > 0 && registry.indexOf(':', prefix) < 0;
        if (registry == null || registry.isEmpty() || !layout && !HOST.matcher(registry).matches()) {
            throw new IllegalArgumentException("invalid registry host '" + registry + "'");
        }
        boolean bare = layout && "".equals(path);
        if (!bare && (path == null || path.length() > 255 || !PATH.matcher(path).matches())) {
            throw new IllegalArgumentException("invalid repository name '" + path
                    + "' (lowercase letters, digits and . _ - separators, components joined by '/')");
        }
    }

    /** The host that serves the registry API: Docker Hub's differs from its name. */
    public String apiHost() {
        return registry.equals(DOCKER_HUB) ? DOCKER_HUB_API : registry;
    }

    /** Maps the several names of Docker Hub to {@code docker.io}; other hosts are kept as written. */
    public static String normaliseRegistry(String host) {
        return switch (host) {
            case "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com" -> DOCKER_HUB;
            default -> host;
        };
    }

    /**
     * True when this repository lives in an OCI image layout ({@code oci:<directory>},
     * {@code oci-archive:<file>}), not a registry.
     */
    public boolean isLayout() {
        return namesLayout(registry);
    }

    /** True when this repository lives in an OCI layout archive ({@code oci-archive:<file>}). */
    public boolean isArchive() {
        return isLayout() && registry.startsWith(ARCHIVE);
    }

    /** The directory or archive file of a layout's repository ({@code registry} without its prefix). */
    public String layoutLocation() {
        return registry.substring(layoutPrefixLength(registry));
    }

    /**
     * {@link #layoutLocation()} as one path however it is spelt ({@code oci:/m}, {@code oci:/m/}, {@code oci:./m}):
     * absolute and normalised.
     */
    public java.nio.file.Path layoutPath() {
        return java.nio.file.Path.of(layoutLocation()).toAbsolutePath().normalize();
    }

    /**
     * {@code registry/path}, or {@code oci:<directory>:path} for a layout (skopeo's spelling), where the bare
     * entries' repository is {@code oci:<directory>:} (so that {@code oci:DIR::1.0} names the bare ref {@code 1.0}).
     */
    @Override
    public String toString() {
        return registry + (isLayout() ? ":" : "/") + path;
    }
}

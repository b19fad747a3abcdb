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

    /** The prefix of an OCI image layout's "registry": {@code oci:<directory>} (issue 16). */
    public static final String LAYOUT = "oci:";

    private static final Pattern PORT_AFTER_OCI = Pattern.compile("oci:[0-9]{1,5}(?:/.*)?");

    /**
     * True when {@code text} (a registry, or a whole reference) names an OCI layout: {@code oci:} and a directory,
     * not a registry host called {@code oci} with its port ({@code oci:5000/team/app}).
     */
    public static boolean namesLayout(String text) {
        return text != null && text.startsWith(LAYOUT) && text.length() > LAYOUT.length()
                && !PORT_AFTER_OCI.matcher(text).matches();
    }

    public Repository {
        boolean layout = namesLayout(registry) && registry.indexOf(':', LAYOUT.length()) < 0;
        if (registry == null || registry.isEmpty() || !layout && !HOST.matcher(registry).matches()) {
            throw new IllegalArgumentException("invalid registry host '" + registry + "'");
        }
        if (path == null || path.length() > 255 || !PATH.matcher(path).matches()) {
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

    /** True when this repository lives in an OCI image layout ({@code oci:<directory>}), not a registry. */
    public boolean isLayout() {
        return namesLayout(registry);
    }

    /** {@code registry/path}, or {@code oci:<directory>:path} for a layout (skopeo's spelling). */
    @Override
    public String toString() {
        return registry + (isLayout() ? ":" : "/") + path;
    }
}

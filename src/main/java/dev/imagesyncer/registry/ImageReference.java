package dev.imagesyncer.registry;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An image as users write it, {@code host[:port]/path[:tag][@sha256:...]}, normalised the way Docker does:
 * {@code nginx} is {@code docker.io/library/nginx}. Either part of {@code tag} and {@code digest} may be absent.
 */
public record ImageReference(Repository repository, String tag, Digest digest) {

    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

    public ImageReference {
        Objects.requireNonNull(repository, "repository");
        if (tag != null && !isTag(tag)) {
            throw new IllegalArgumentException("invalid tag '" + tag
                    + "' (letters, digits, _ . -, at most 128 characters, not starting with . or -)");
        }
    }

    /** True when {@code text} can be a tag (distribution spec: {@code [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}}). */
    public static boolean isTag(String text) {
        return TAG.matcher(text).matches();
    }

    /**
     * Parses a reference. The first path element is a registry host when it contains a '.' or a ':' or is
     * {@code localhost}; otherwise the image is on Docker Hub, where one-element names live under {@code library/}.
     *
     * @throws IllegalArgumentException naming the reference and what is wrong with it
     */
    public static ImageReference parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty image reference");
        }
        try {
            return parseChecked(text.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid image reference '" + text + "': " + e.getMessage(), e);
        }
    }

    private static ImageReference parseChecked(String text) {
        if (Repository.namesLayout(text)) {
            return parseLayout(text);
        }
        Named named = named(text);
        String rest = named.name();
        String tag = named.tag();
        Digest digest = named.digest();
        String registry = Repository.DOCKER_HUB;
        String path = rest;
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                registry = Repository.normaliseRegistry(first);
                path = rest.substring(slash + 1);
            }
        }
        if (registry.equals(Repository.DOCKER_HUB) && !path.contains("/")) {
            path = "library/" + path;
        }
        return new ImageReference(new Repository(registry, path), tag, digest);
    }

    /**
     * {@code oci:DIR:repository[:tag][@digest]} (or {@code oci-archive:FILE:...}): an image in an OCI image
     * layout, named with its repository (as this tool writes layouts); {@code oci:DIR::tag} names an entry without
     * a repository (as skopeo writes them). The directory ends at the first ':'.
     */
    private static ImageReference parseLayout(String text) {
        String prefix = text.substring(0, Repository.layoutPrefixLength(text));
        int colon = text.indexOf(':', prefix.length());
        if (colon < 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("an image in an OCI layout is " + prefix + (prefix.equals(
                    Repository.LAYOUT) ? "DIR" : "FILE") + ":repository[:tag], e.g. " + prefix
                    + (prefix.equals(Repository.LAYOUT) ? "/mnt/mirror" : "/mnt/mirror.tar") + ":team/app:1.0");
        }
        Named named = named(text.substring(colon + 1));
        if (named.name().isEmpty() && named.tag() == null) {
            throw new IllegalArgumentException("an entry without a repository is named by its tag: " + prefix
                    + "DIR::1.0");
        }
        return new ImageReference(new Repository(text.substring(0, colon), named.name()), named.tag(),
                named.digest());
    }

    /** A name with its tag and digest split off: {@code name[:tag][@digest]}. */
    private record Named(String name, String tag, Digest digest) {
    }

    private static Named named(String text) {
        String rest = text;
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = Digest.parse(rest.substring(at + 1));
            rest = rest.substring(0, at);
        }
        String tag = null;
        int lastColon = rest.lastIndexOf(':');
        if (lastColon > rest.lastIndexOf('/')) {
            tag = rest.substring(lastColon + 1);
            rest = rest.substring(0, lastColon);
        }
        return new Named(rest, tag, digest);
    }

    /** The tag or digest to address the registry with: the digest wins, then the tag, then {@code latest}. */
    public String reference() {
        if (digest != null) {
            return digest.toString();
        }
        return tag != null ? tag : "latest";
    }

    public ImageReference withTag(String newTag) {
        return new ImageReference(repository, newTag, null);
    }

    public ImageReference withDigest(Digest newDigest) {
        return new ImageReference(repository, null, newDigest);
    }

    @Override
    public String toString() {
        return repository + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }
}

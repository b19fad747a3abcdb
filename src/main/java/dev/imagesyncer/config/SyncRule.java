package dev.imagesyncer.config;

import dev.imagesyncer.registry.Digest;
import dev.imagesyncer.registry.ImageReference;
import dev.imagesyncer.registry.Repository;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One entry of the images file: a source repository, which of its images to copy, and where to.
 *
 * @param file         the file the rule comes from, for messages
 * @param source       the source as written in the file, for messages
 * @param repository   the source repository
 * @param selection    which tags (or the digest) of it
 * @param destinations where to, without repeats, never empty
 * @param options      what its long form sets (tag filters, skipExisting, referrers)
 * @param namespace    for a namespace source ({@code REG/ns/*}, {@code REG/ns/**}): the repositories it names, and
 *                     then {@code repository} is null and the destinations are prefixes; null otherwise
 */
public record SyncRule(String file, String source, Repository repository, Selection selection,
                       List<Destination> destinations, RuleOptions options, Namespace namespace) {

    /** A rule in the short form: nothing of its own. */
    public SyncRule(String file, String source, Repository repository, Selection selection,
                    List<Destination> destinations) {
        this(file, source, repository, selection, destinations, RuleOptions.NONE, null);
    }

    /** A rule for one repository. */
    public SyncRule(String file, String source, Repository repository, Selection selection,
                    List<Destination> destinations, RuleOptions options) {
        this(file, source, repository, selection, destinations, options, null);
    }

    public SyncRule {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(source, "source");
        if ((repository == null) == (namespace == null)) {
            throw new IllegalArgumentException("a rule names a repository or a namespace");
        }
        Objects.requireNonNull(selection, "selection");
        destinations = List.copyOf(destinations);
        options = options == null ? RuleOptions.NONE : options;
        if (destinations.isEmpty()) {
            throw new IllegalArgumentException("a rule needs a destination");
        }
    }

    /**
     * The rule of a namespace source for one repository the catalog listed under it ({@code path}; see
     * {@link Namespace#below}): every tag (filtered as the rule says), each destination prefix followed by the
     * path below the namespace's prefix.
     *
     * @throws IllegalStateException for a rule that is not a namespace's
     */
    public SyncRule inRepository(String path) {
        if (namespace == null) {
            throw new IllegalStateException(source + " is not a namespace");
        }
        String below = namespace.below(path);
        List<Destination> targets = destinations.stream().map(prefix -> new Destination(new Repository(
                prefix.repository().registry(), prefix.repository().path().isEmpty() ? below
                        : prefix.repository().path() + "/" + below), List.of(), null)).toList();
        return new SyncRule(file, source, new Repository(namespace.registry(), path), Selection.allTags(), targets,
                options, null);
    }

    /**
     * The repository the rule reads from: its source's, or for a namespace the repository that stands for the whole
     * namespace ({@link Namespace#anchor()}: its registry or layout is the one read).
     */
    public Repository sourceRepository() {
        return namespace != null ? namespace.anchor() : repository;
    }

    /** True for {@code repo} and {@code repo:/regex/}: the tags are known only after listing the repository. */
    public boolean needsTagListing() {
        return selection.needsTagListing();
    }

    /** See {@link Selection#select(List)}. */
    public List<String> selectTags(List<String> listed) {
        return selection.select(listed);
    }

    /**
     * The listed tags the rule copies: {@link #selectTags(List)}, then the rule's tag filter, its unset fields
     * taken from {@code defaults} (the flags). Explicit tag lists and digests are never filtered.
     */
    public List<String> selectTags(List<String> listed, TagFilter defaults) {
        List<String> selected = selection.select(listed);
        return needsTagListing() ? tagFilter(defaults).apply(selected) : selected;
    }

    /** The tag filter that applies: the rule's, its unset fields from {@code defaults}. */
    public TagFilter tagFilter(TagFilter defaults) {
        return options.tags().withDefaults(defaults);
    }

    /** The destinations as they would be written in an images file, for reports. */
    public List<String> destinationNames() {
        return destinations.stream().map(Destination::toString).toList();
    }

    /**
     * The copy jobs for a rule that needs no listing ({@code repo:t1,t2}, {@code repo@digest}).
     *
     * @throws IllegalStateException when the rule {@link #needsTagListing() needs the tag list}
     */
    public List<ImageCopyJob> pairs() {
        if (needsTagListing()) {
            throw new IllegalStateException(source + " needs the repository's tag list");
        }
        return pairs(List.of());
    }

    /**
     * Resolves the rule into copy jobs: one per selected tag, in order, or one for the digest. Each target keeps the
     * source tag, or for a digest source pushes by digest (tag null); a destination with tags renames the source
     * tags to them left to right.
     *
     * @param sourceTags the repository's listed tags for {@code repo} and {@code repo:/regex/}, as listed or already
     *                   passed through {@link #selectTags(List)} (selecting twice changes nothing); ignored for
     *                   {@code repo:t1,t2} and {@code repo@digest}, which bring their own
     * @throws ConfigException when a destination's tag count differs from the number of selected tags, naming the
     *                         file, the rule and both counts
     */
    public List<ImageCopyJob> pairs(List<String> sourceTags) {
        if (selection.kind() == Selection.Kind.DIGEST) {
            Digest digest = selection.digest();
            List<ImageReference> targets = distinct(destinations.stream()
                    .map(destination -> destination.keepsSourceTags()
                            ? new ImageReference(destination.repository(), null, digest)
                            : new ImageReference(destination.repository(), destination.tags().get(0), null))
                    .toList());
            return List.of(new ImageCopyJob(new ImageReference(repository, null, digest), targets));
        }
        List<String> tags = selection.select(sourceTags);
        for (Destination destination : destinations) {
            if (!destination.keepsSourceTags() && destination.tags().size() != tags.size()) {
                throw ConfigException.atDestination(file, source, destination.toString(),
                        tagCountMismatch(tags.size() + (needsTagListing() ? " after listing" : ""),
                                destination.tags().size()));
            }
        }
        List<ImageCopyJob> jobs = new ArrayList<>(tags.size());
        for (int i = 0; i < tags.size(); i++) {
            String tag = tags.get(i);
            int index = i;
            List<ImageReference> targets = distinct(destinations.stream()
                    .map(destination -> new ImageReference(destination.repository(),
                            destination.keepsSourceTags() ? tag : destination.tags().get(index), null))
                    .toList());
            jobs.add(new ImageCopyJob(new ImageReference(repository, tag, null), targets));
        }
        return List.copyOf(jobs);
    }

    static String tagCountMismatch(Object sourceCount, int destinationCount) {
        return "the number of tags of source (" + sourceCount + ") and destination (" + destinationCount
                + ") does not match";
    }

    private static List<ImageReference> distinct(List<ImageReference> targets) {
        Set<ImageReference> unique = new LinkedHashSet<>(targets);
        return List.copyOf(unique);
    }

    @Override
    public String toString() {
        return source + " (" + (namespace != null ? namespace : repository) + ", " + selection + ") -> "
                + destinations;
    }
}

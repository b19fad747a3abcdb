package dev.imagesyncer.copy;

import dev.imagesyncer.registry.Descriptor;
import dev.imagesyncer.registry.Digest;
import dev.imagesyncer.registry.ErrorCode;
import dev.imagesyncer.registry.ImageReference;
import dev.imagesyncer.registry.Manifest;
import dev.imagesyncer.registry.MediaTypes;
import dev.imagesyncer.registry.PermanentRegistryException;
import dev.imagesyncer.registry.Referrer;
import dev.imagesyncer.registry.ReferrersIndex;
import dev.imagesyncer.registry.ImageStore;
import dev.imagesyncer.registry.RegistryException;
import dev.imagesyncer.registry.Repository;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Copies the referrers of an image (signatures, SBOMs, attestations: manifests whose {@code subject} is the image
 * or one of its child manifests), each after the manifest it refers to, and theirs in turn, byte-identical (OCI
 * distribution spec 1.1, "Listing Referrers", "Pushing Manifests with Subject", "Referrers Tag Schema").
 *
 * <p>The source's referrers are read through its referrers API, or, on a registry without it, from the index under
 * the tag {@code sha256-<hex>} of the subject. Each referrer is copied as an image by digest (blobs, then its
 * manifest, which keeps its {@code subject}). A destination that lists referrers itself (it answers a PUT with
 * {@code OCI-Subject}, or its API answers) needs nothing more; for one without, the index under the subject's tag is
 * merged with the referrers copied, one update at a time per repository and subject. cosign's tags of the subject
 * ({@code sha256-<hex>.sig}, {@code .att}, {@code .sbom}) travel too, under the same tag.
 *
 * <p>One instance per run: it keeps the source repositories' tag lists (one listing per repository and run) and
 * serialises the updates of each tag-schema index. Blobs are copied on the calling thread; each registry call is
 * one attempt, failures surface as {@link dev.imagesyncer.registry.RegistryException}s, and a copy that is run
 * again redoes only what is missing.
 */
public final class ReferrerCopier {

    /** Below the first level of referrers, how many more are followed: 8 levels in all (a signature of an SBOM is 2). */
    private static final int MAX_DEPTH = 7;

    private final ImageStore client;
    private final ImageCopier copier;
    private final Map<Repository, Set<String>> sourceTags = new ConcurrentHashMap<>();
    private final Map<String, Object> indexUpdates = new ConcurrentHashMap<>();

    public ReferrerCopier(ImageStore client, ImageCopier copier) {
        this.client = client;
        this.copier = copier;
    }

    /**
     * What copying the referrers of one image did.
     *
     * @param referrers       copied, present and skipped referrers
     * @param blobs           the referrers' blobs
     * @param manifestsPushed referrer manifests and tag-schema indexes pushed
     * @param note            what the user should know (referrers left behind), empty otherwise
     */
    public record Copied(ReferrerCounts referrers, BlobCounts blobs, int manifestsPushed, String note) {
    }

    /**
     * Copies the referrers of an image that the destination now holds as {@code copied}: of its top manifest and,
     * for an index, of each child manifest it lists (nested indexes too). When {@code copied} is not the source's
     * digest ({@code sourceHead}: a platform filter rewrote the index), the referrers of the source's index (and
     * its cosign tags) are not copied, since they refer to a manifest the destination does not have: counted as
     * skipped, with a note.
     *
     * @param source    the source image (its repository is read)
     * @param target    the destination image (its repository is written)
     * @param selection which referrers: must be enabled
     * @throws dev.imagesyncer.registry.RegistryException when a registry call fails
     */
    public Copied copy(ImageReference source, Descriptor sourceHead, ImageReference target, Digest copied,
                       ReferrerSelection selection) {
        Progress progress = new Progress(source.repository(), target.repository(), selection);
        if (copied.equals(sourceHead.digest())) {
            progress.copyReferrersOf(copied, 0);
        } else {
            progress.leaveBehind(sourceHead.digest());
        }
        if (MediaTypes.isIndex(sourceHead.mediaType())) {
            List<Digest> children = new ArrayList<>();
            collectChildren(new ImageReference(target.repository(), null, copied), children);
            children.forEach(child -> progress.copyReferrersOf(child, 0));
        }
        if (progress.otherTypes > 0) {
            progress.notes.add(progress.otherTypes + (progress.otherTypes == 1 ? " referrer" : " referrers")
                    + " of other artifact types skipped (--artifact-type)");
        }
        return new Copied(new ReferrerCounts(progress.copied, progress.present, progress.skipped), progress.blobs,
                progress.manifestsPushed, String.join("; ", progress.notes));
    }

    /** The child manifests of the index at {@code index} (as the destination holds it), nested ones included. */
    private void collectChildren(ImageReference index, List<Digest> children) {
        for (Descriptor child : client.getManifest(index).children()) {
            if (children.contains(child.digest())) {
                continue;
            }
            children.add(child.digest());
            if (child.mediaType() != null && MediaTypes.isIndex(child.mediaType())) {
                collectChildren(new ImageReference(index.repository(), null, child.digest()), children);
            }
        }
    }

    /** The tags of a source repository, listed once per run (two images listing at once both list). */
    private Set<String> tagsOf(Repository repository) {
        Set<String> tags = sourceTags.get(repository);
        if (tags == null) {
            tags = Set.copyOf(client.listTags(repository));
            sourceTags.putIfAbsent(repository, tags);
        }
        return tags;
    }

    /** The copy of the referrers of one image, counted as it goes (on one thread). */
    private final class Progress {

        private final Repository from;
        private final Repository to;
        private final ReferrerSelection selection;
        private final Set<Digest> visited = new HashSet<>();
        private final List<String> notes = new ArrayList<>();
        private int copied;
        private int present;
        private int skipped;
        private int otherTypes;
        private int manifestsPushed;
        private BlobCounts blobs = BlobCounts.NONE;

        Progress(Repository from, Repository to, ReferrerSelection selection) {
            this.from = from;
            this.to = to;
            this.selection = selection;
        }

        /** The referrers of {@code subject} and theirs, then cosign's tags of it; each subject once. */
        void copyReferrersOf(Digest subject, int depth) {
            if (!visited.add(subject)) {
                return;
            }
            List<Referrer> wanted = new ArrayList<>();
            for (Referrer referrer : listAtSource(subject)) {
                if (selection.matches(referrer.artifactType())) {
                    wanted.add(referrer);
                } else {
                    skipped++;
                    otherTypes++;
                }
            }
            List<Referrer> landed = new ArrayList<>();
            for (Referrer referrer : wanted) {
                if (!copyReferrer(referrer)) {
                    continue;
                }
                landed.add(referrer);
                if (depth < MAX_DEPTH) {
                    copyReferrersOf(referrer.digest(), depth + 1);
                } else if (!listAtSource(referrer.digest()).isEmpty()) {
                    notes.add("referrers deeper than " + MAX_DEPTH + " levels not followed (below " + referrer.digest()
                            + ")");
                }
            }
            if (!landed.isEmpty() && !client.servesReferrersApi(to, subject)) {
                updateTagSchemaIndex(subject, landed);
            }
            copyCosignTags(subject);
        }

        /**
         * The source's referrers of an index the destination got filtered (another digest), and its cosign tags:
         * counted as skipped, and said.
         */
        void leaveBehind(Digest sourceIndex) {
            int left = listAtSource(sourceIndex).size() + cosignTagsOf(sourceIndex).size();
            if (left > 0) {
                skipped += left;
                notes.add(left + (left == 1 ? " referrer" : " referrers") + " of the source index " + sourceIndex
                        + " not copied: the platform filter gave the index a new digest");
            }
        }

        /** The source's referrers of {@code subject}: from its API, else from its tag-schema index, unfiltered. */
        private List<Referrer> listAtSource(Digest subject) {
            Optional<List<Referrer>> listed = client.referrersFromApi(from, subject);
            if (listed.isPresent()) {
                return listed.get();
            }
            String tag = ReferrersIndex.fallbackTag(subject);
            if (!tagsOf(from).contains(tag)) {
                return List.of();
            }
            Manifest index = client.getManifest(new ImageReference(from, tag, null));
            try {
                return ReferrersIndex.parse(index.bytes());
            } catch (IllegalArgumentException e) {
                notes.add("the tag " + tag + " at the source is not a list of referrers (" + e.getMessage()
                        + "): read as none");
                return List.of();
            }
        }

        /**
         * One referrer manifest with its blobs, by digest, unless the destination has it; false when the source
         * lists it but does not have it (a stale entry of a tag-schema index), which is skipped and said.
         */
        private boolean copyReferrer(Referrer referrer) {
            CopyResult result;
            try {
                result = copier.copyOnce(from, to, referrer.descriptor(), null);
            } catch (RegistryException e) {
                if (e.status() != 404) {
                    throw e;
                }
                skipped++;
                notes.add("referrer " + referrer.digest() + " is listed at the source but cannot be read there ("
                        + e.getMessage() + "): skipped");
                return false;
            }
            count(result);
            return true;
        }

        /** cosign's {@code sha256-<hex>.sig|.att|.sbom} tags of {@code subject}, copied under the same tag. */
        private void copyCosignTags(Digest subject) {
            for (String tag : cosignTagsOf(subject)) {
                ImageReference source = new ImageReference(from, tag, null);
                Descriptor head = copier.headSource(source);
                if (selection.filtersTypes() && !selection.matches(client.getManifest(source.withDigest(
                        head.digest())).artifactType().orElse(null))) {
                    skipped++;
                    otherTypes++;
                    continue;
                }
                count(copier.copyOnce(from, to, head, tag));
            }
        }

        private List<String> cosignTagsOf(Digest subject) {
            return ReferrersIndex.COSIGN_SUFFIXES.stream().map(suffix -> ReferrersIndex.fallbackTag(subject) + suffix)
                    .filter(tagsOf(from)::contains).toList();
        }

        private void count(CopyResult result) {
            if (result.pushedNothing()) {
                present++;
                return;
            }
            copied++;
            blobs = blobs.plus(result.blobs());
            manifestsPushed += result.manifestsPushed();
        }

        /**
         * Merges {@code referrers} into the destination's index under the subject's tag (created when missing),
         * one update at a time per repository and subject, so that two images of one digest lose nothing. The
         * entries it lacks are made from the referrer manifests as the destination holds them.
         */
        private void updateTagSchemaIndex(Digest subject, List<Referrer> referrers) {
            String tag = ReferrersIndex.fallbackTag(subject);
            ImageReference reference = new ImageReference(to, tag, null);
            synchronized (indexUpdates.computeIfAbsent(to + "@" + subject, key -> new Object())) {
                Optional<Manifest> existing = client.findManifest(reference);
                if (existing.isPresent() && !MediaTypes.OCI_INDEX.equals(existing.get().mediaType())) {
                    throw new PermanentRegistryException("the tag " + reference + " holds a "
                            + existing.get().mediaType() + ", not the OCI index of the referrers of " + subject
                            + " that the referrers tag schema keeps there: move that tag away", 200,
                            ErrorCode.MANIFEST_INVALID);
                }
                Set<Digest> listed = new HashSet<>();
                existing.ifPresent(index -> ReferrersIndex.parse(index.bytes()).forEach(entry ->
                        listed.add(entry.digest())));
                List<Referrer> missing = new ArrayList<>();
                for (Referrer referrer : referrers) {
                    if (!listed.contains(referrer.digest())) {
                        missing.add(Referrer.of(client.getManifest(new ImageReference(to, null, referrer.digest()))));
                    }
                }
                Optional<Manifest> merged = ReferrersIndex.merge(existing.map(Manifest::bytes), missing);
                if (merged.isPresent()) {
                    client.putManifest(to, tag, merged.get());
                    manifestsPushed++;
                }
            }
        }
    }
}

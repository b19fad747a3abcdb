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
import dev.imagesyncer.registry.RegistryClient;
import dev.imagesyncer.registry.Repository;

import java.util.ArrayList;
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

    /** How deep referrers of referrers are followed (a signature of an SBOM of an image is depth 2). */
    private static final int MAX_DEPTH = 8;
    private static final List<String> COSIGN_SUFFIXES = List.of(".sig", ".att", ".sbom");

    private final RegistryClient client;
    private final ImageCopier copier;
    private final Map<Repository, Set<String>> sourceTags = new ConcurrentHashMap<>();
    private final Map<String, Object> indexUpdates = new ConcurrentHashMap<>();

    public ReferrerCopier(RegistryClient client, ImageCopier copier) {
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
     * digest ({@code sourceHead}: a platform filter rewrote the index), the referrers of the source's index are
     * not copied (they refer to a manifest the destination does not have) but counted as skipped, with a note.
     *
     * @param source    the source image (its repository is read)
     * @param target    the destination image (its repository is written)
     * @param selection which referrers: must be enabled
     * @throws dev.imagesyncer.registry.RegistryException when a registry call fails
     */
    public Copied copy(ImageReference source, Descriptor sourceHead, ImageReference target, Digest copied,
                       ReferrerSelection selection) {
        Progress progress = new Progress(source.repository(), target.repository(), selection);
        String note = "";
        if (copied.equals(sourceHead.digest())) {
            progress.copyReferrersOf(copied, 0);
        } else {
            int leftBehind = (int) progress.listAtSource(sourceHead.digest()).stream()
                    .filter(referrer -> selection.matches(referrer.artifactType())).count();
            if (leftBehind > 0) {
                progress.skipped += leftBehind;
                note = leftBehind + (leftBehind == 1 ? " referrer" : " referrers") + " of the source index "
                        + sourceHead.digest() + " not copied: the platform filter gave the index a new digest";
            }
        }
        if (MediaTypes.isIndex(sourceHead.mediaType())) {
            List<Digest> children = new ArrayList<>();
            collectChildren(new ImageReference(target.repository(), null, copied), children);
            children.forEach(child -> progress.copyReferrersOf(child, 0));
        }
        return new Copied(new ReferrerCounts(progress.copied, progress.present, progress.skipped), progress.blobs,
                progress.manifestsPushed, note);
    }

    /** The child manifests of the index at {@code index} (as the destination holds it), nested ones included. */
    private void collectChildren(ImageReference index, List<Digest> children) {
        for (Descriptor child : client.getManifest(index).children()) {
            children.add(child.digest());
            if (child.mediaType() != null && MediaTypes.isIndex(child.mediaType())) {
                collectChildren(new ImageReference(index.repository(), null, child.digest()), children);
            }
        }
    }

    /** The tags of a source repository, listed once per run. */
    private Set<String> tagsOf(Repository repository) {
        return sourceTags.computeIfAbsent(repository, listed -> Set.copyOf(client.listTags(listed)));
    }

    /** The copy of the referrers of one image, counted as it goes (on one thread). */
    private final class Progress {

        private final Repository from;
        private final Repository to;
        private final ReferrerSelection selection;
        private int copied;
        private int present;
        private int skipped;
        private int manifestsPushed;
        private BlobCounts blobs = BlobCounts.NONE;

        Progress(Repository from, Repository to, ReferrerSelection selection) {
            this.from = from;
            this.to = to;
            this.selection = selection;
        }

        /** The referrers of {@code subject} and theirs, then cosign's tags of it. */
        void copyReferrersOf(Digest subject, int depth) {
            List<Referrer> wanted = new ArrayList<>();
            for (Referrer referrer : listAtSource(subject)) {
                if (selection.matches(referrer.artifactType())) {
                    wanted.add(referrer);
                } else {
                    skipped++;
                }
            }
            for (Referrer referrer : wanted) {
                copyManifest(referrer.descriptor(), null);
                if (depth < MAX_DEPTH) {
                    copyReferrersOf(referrer.digest(), depth + 1);
                }
            }
            if (!wanted.isEmpty() && !client.servesReferrersApi(to, subject)) {
                updateTagSchemaIndex(subject, wanted);
            }
            copyCosignTags(subject);
        }

        /** The source's referrers of {@code subject}: from its API, else from its tag-schema index, unfiltered. */
        List<Referrer> listAtSource(Digest subject) {
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
                throw new PermanentRegistryException("referrers of " + from + "@" + subject + " under the tag "
                        + tag + ": " + e.getMessage(), 200, ErrorCode.MANIFEST_INVALID);
            }
        }

        /** cosign's {@code sha256-<hex>.sig|.att|.sbom} tags of {@code subject}, copied under the same tag. */
        private void copyCosignTags(Digest subject) {
            for (String suffix : COSIGN_SUFFIXES) {
                String tag = ReferrersIndex.fallbackTag(subject) + suffix;
                if (!tagsOf(from).contains(tag)) {
                    continue;
                }
                ImageReference source = new ImageReference(from, tag, null);
                Descriptor head = copier.headSource(source);
                if (selection.filtersTypes() && !selection.matches(client.getManifest(source.withDigest(
                        head.digest())).artifactType().orElse(null))) {
                    skipped++;
                    continue;
                }
                copyManifest(head, tag);
            }
        }

        /** One referrer manifest (by digest, or under {@code tag}) with its blobs, unless the destination has it. */
        private void copyManifest(Descriptor head, String tag) {
            ImageReference source = new ImageReference(from, tag, tag == null ? head.digest() : null);
            ImageReference target = new ImageReference(to, tag, tag == null ? head.digest() : null);
            CopyPlan plan = copier.plan(source, head, target, CopyOptions.DEFAULT);
            if (!plan.needsPush()) {
                present++;
                return;
            }
            BlobCounts counts = BlobCounts.NONE;
            for (BlobCopy blob : plan.blobs()) {
                counts = counts.plus(copier.copyBlob(blob));
            }
            CopyResult pushed = copier.push(plan.withBlobCounts(counts));
            copied++;
            blobs = blobs.plus(pushed.blobs());
            manifestsPushed += pushed.manifestsPushed();
        }

        /**
         * Merges {@code referrers} into the destination's index under the subject's tag (created when missing),
         * one update at a time per repository and subject, so that two images of one digest lose nothing.
         */
        private void updateTagSchemaIndex(Digest subject, List<Referrer> referrers) {
            String tag = ReferrersIndex.fallbackTag(subject);
            ImageReference reference = new ImageReference(to, tag, null);
            synchronized (indexUpdates.computeIfAbsent(to + "@" + subject, key -> new Object())) {
                Optional<Manifest> existing = client.findManifest(reference);
                if (existing.isPresent() && !existing.get().isIndex()) {
                    throw new PermanentRegistryException("the tag " + reference + " holds a "
                            + existing.get().mediaType() + ", not the index of the referrers of " + subject
                            + " that the referrers tag schema keeps there", 200, ErrorCode.MANIFEST_INVALID);
                }
                Optional<Manifest> merged = ReferrersIndex.merge(existing.map(Manifest::bytes), referrers);
                if (merged.isPresent()) {
                    client.putManifest(to, tag, merged.get());
                    manifestsPushed++;
                }
            }
        }
    }
}

package dev.imagesyncer.prune;

import dev.imagesyncer.registry.Descriptor;
import dev.imagesyncer.registry.Digest;
import dev.imagesyncer.registry.ImageReference;
import dev.imagesyncer.registry.Manifest;
import dev.imagesyncer.registry.ReferrersIndex;
import dev.imagesyncer.registry.ImageStore;
import dev.imagesyncer.registry.RegistryException;
import dev.imagesyncer.registry.Repository;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds, in the destination repositories rules write, the tags no rule selects any more, and what may be deleted
 * of them safely. Registries delete manifests by digest, which removes every tag of that digest (OCI distribution
 * spec, "Deleting manifests"): so a digest is deleted only when none of the tags kept points at it and no kept
 * manifest refers to it (a child of a kept index, the subject of a kept signature, the digest a kept tag of the
 * referrers tag schema or of cosign names). The tags of the referrers tag schema and cosign's
 * ({@code sha256-<hex>[.sig|.att|.sbom]}) follow their image and are never pruned on their own.
 *
 * <p>Only reads ({@link #plan}); {@link #delete} deletes one manifest. Plain Java, one attempt per call.
 */
public final class Pruner {


    private final ImageStore client;

    public Pruner(ImageStore client) {
        this.client = client;
    }

    /**
     * What pruning {@code targets} would delete, and which tags that left the sources must stay.
     *
     * @throws RegistryException when a destination cannot be read (its tags, a manifest)
     */
    public PrunePlan plan(List<PruneTarget> targets) {
        List<PrunePlan.Deletion> deletions = new ArrayList<>();
        List<PrunePlan.Stale> stale = new ArrayList<>();
        for (PruneTarget target : targets) {
            planRepository(target, deletions, stale);
        }
        return new PrunePlan(deletions, stale);
    }

    /** Deletes one manifest by digest (with every tag of it). */
    public void delete(PrunePlan.Deletion deletion) {
        client.deleteManifest(deletion.repository(), deletion.digest());
    }

    private void planRepository(PruneTarget target, List<PrunePlan.Deletion> deletions,
                                List<PrunePlan.Stale> stale) {
        Repository repository = target.repository();
        List<String> tags = listTags(repository);
        List<String> candidates = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (String tag : tags) {
            if (target.wanted().contains(tag) || ReferrersIndex.isReferrerTag(tag)) {
                kept.add(tag);
            } else {
                candidates.add(tag);
            }
        }
        if (candidates.isEmpty()) {
            return;
        }
        Map<String, Digest> digests = new HashMap<>();
        Set<String> asked = new java.util.LinkedHashSet<>(tags);
        asked.addAll(target.wanted()); // a wanted tag the listing does not show yet still protects its digest
        for (String tag : asked) {
            try {
                client.headManifest(new ImageReference(repository, tag, null))
                        .ifPresent(head -> digests.put(tag, head.digest()));
            } catch (IllegalArgumentException notATag) {
                // a listed name that is not a valid tag: it cannot be asked for, or deleted
            }
        }
        for (String tag : target.wanted()) {
            if (!kept.contains(tag)) {
                kept.add(tag);
            }
        }
        Map<Digest, String> protectedBy = protectedDigests(repository, kept, digests, target.kept());
        Map<Digest, List<String>> byDigest = new LinkedHashMap<>();
        for (String tag : candidates) {
            Digest digest = digests.get(tag);
            if (digest == null) {
                stale.add(new PrunePlan.Stale(repository, tag, "it could not be read (gone since the listing, or "
                        + "not a valid tag)", target.rule()));
                continue;
            }
            String protection = protectedBy.get(digest);
            if (protection != null) {
                stale.add(new PrunePlan.Stale(repository, tag, protection, target.rule()));
            } else {
                byDigest.computeIfAbsent(digest, d -> new ArrayList<>()).add(tag);
            }
        }
        byDigest.forEach((digest, gone) -> deletions.add(new PrunePlan.Deletion(repository, digest, gone,
                target.rule())));
    }

    /**
     * The digests that must stay, each with why: those kept tags point at, the children (at any depth) and
     * subjects of those manifests, and the digests the kept referrer tags name.
     */
    private Map<Digest, String> protectedDigests(Repository repository, List<String> kept, Map<String, Digest> digests,
                                                 Set<Digest> copied) {
        Map<Digest, String> protectedBy = new HashMap<>();
        Set<Digest> read = new HashSet<>();
        for (String tag : kept) {
            ReferrersIndex.subjectOf(tag).ifPresent(subject -> protectedBy.putIfAbsent(subject,
                    "the tag " + tag + " that stays refers to it"));
            Digest digest = digests.get(tag);
            if (digest == null) {
                continue;
            }
            protectedBy.putIfAbsent(digest, "it shares its digest with the tag " + tag + ", which stays");
            protectReferences(repository, digest, "the manifest of the tag " + tag + ", which stays,", protectedBy,
                    read);
        }
        for (Digest digest : copied) {
            protectedBy.putIfAbsent(digest, "this run copied it there, or found it there");
            protectReferences(repository, digest, "a manifest this run copied", protectedBy, read);
        }
        return protectedBy;
    }

    /** The children and the subject of the manifest {@code digest}, and theirs, protected. */
    private void protectReferences(Repository repository, Digest digest, String by, Map<Digest, String> protectedBy,
                                   Set<Digest> read) {
        if (!read.add(digest)) {
            return;
        }
        Optional<Manifest> manifest = client.findManifest(new ImageReference(repository, null, digest));
        if (manifest.isEmpty()) {
            return;
        }
        manifest.get().subject().ifPresent(subject ->
                protectedBy.putIfAbsent(subject.digest(), by + " refers to it as its subject"));
        for (Descriptor child : manifest.get().children()) {
            protectedBy.putIfAbsent(child.digest(), by + " lists it");
            protectReferences(repository, child.digest(), by, protectedBy, read);
        }
    }

    /** The tags of a destination repository; none when it does not exist (yet). */
    private List<String> listTags(Repository repository) {
        try {
            return client.listTags(repository);
        } catch (RegistryException e) {
            if (e.status() == 404) {
                return List.of();
            }
            throw e;
        }
    }
}

package dev.imagesyncer.copy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagesyncer.registry.BlobPushResult;
import dev.imagesyncer.registry.Descriptor;
import dev.imagesyncer.registry.Digest;
import dev.imagesyncer.registry.ErrorCode;
import dev.imagesyncer.registry.ImageReference;
import dev.imagesyncer.registry.Manifest;
import dev.imagesyncer.registry.MediaTypes;
import dev.imagesyncer.registry.PermanentRegistryException;
import dev.imagesyncer.registry.Platform;
import dev.imagesyncer.registry.ImageStore;
import dev.imagesyncer.registry.Repository;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Copies one image between registries in the order that keeps the target consistent at every moment: blobs
 * before the manifests that refer to them, child manifests (by digest) before their index, the tag last (OCI
 * distribution spec, "Pushing manifests"). Manifests travel as the exact bytes the source served, so digests stay
 * identical (a platform-filtered index is the one exception). A blob is transferred at most once per target
 * registry and run, and linked once per repository ({@link BlobLedger}).
 *
 * <p>The copy is three steps, which the {@code copy-image} and {@code copy-blob} routes call one by one:
 * {@link #plan} (what the target lacks), {@link #copyBlob} for each blob of the plan (in parallel, on the routes'
 * transfer pool), then {@link #push}. {@link #copy} runs them in a row, for callers without routes. Each registry
 * call is one attempt: failures surface as {@link dev.imagesyncer.registry.RegistryException}s.
 */
public final class ImageCopier {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Image configs larger than this are not read to learn their platform. */
    private static final int MAX_CONFIG_BYTES = 1 << 20;

    private final ImageStore client;
    private final Executor transfers;
    private final BlobLedger ledger;

    /**
     * @param transfers runs the blob copies of {@link #copy} (the routes use their own pool and call
     *                  {@link #copyBlob} directly)
     * @param ledger    the blobs pushed so far in this run, shared by every copy of the run
     */
    public ImageCopier(ImageStore client, Executor transfers, BlobLedger ledger) {
        this.client = client;
        this.transfers = transfers;
        this.ledger = ledger;
    }

    /** A copier that transfers blobs one after another on the calling thread. */
    public ImageCopier(ImageStore client) {
        this(client, Runnable::run, new BlobLedger());
    }

    /** HEAD the source: its digest, media type and size; a missing image is a permanent error naming it. */
    public Descriptor headSource(ImageReference source) {
        return client.headManifest(source).orElseThrow(() -> new PermanentRegistryException(
                "HEAD manifest " + source + ": manifest unknown at the source", 404, ErrorCode.MANIFEST_UNKNOWN));
    }

    public CopyResult copy(ImageReference source, ImageReference target, CopyOptions options) {
        return copy(source, headSource(source), target, options);
    }

    /** {@link #plan}, {@link #copyBlob} for every blob (on the transfers executor), then {@link #push}. */
    public CopyResult copy(ImageReference source, Descriptor head, ImageReference target, CopyOptions options) {
        CopyPlan plan = plan(source, head, target, options);
        List<CompletableFuture<BlobResult>> copies = plan.blobs().stream()
                .map(blob -> CompletableFuture.supplyAsync(() -> copyBlob(blob), transfers)).toList();
        BlobCounts counts = BlobCounts.NONE;
        try {
            for (CompletableFuture<BlobResult> copy : copies) {
                counts = counts.plus(copy.join());
            }
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
        return push(plan.withBlobCounts(counts));
    }

    /**
     * What copying {@code source} (whose HEAD answer is {@code head}) to {@code target} takes. The target keeps
     * the source's tag unless it names its own; with no tag anywhere (a source given by digest) the manifest is
     * pushed by digest. Unless {@code options} force it, nothing is to be pushed when the target already has the
     * wanted digest there (one HEAD). Reads the source's manifest and the child manifests the target lacks.
     *
     * @throws dev.imagesyncer.registry.RegistryException when a registry call fails
     */
    public CopyPlan plan(ImageReference source, Descriptor head, ImageReference target, CopyOptions options) {
        String targetTag = target.tag() != null ? target.tag() : source.tag();
        Manifest manifest = null;
        String note = "";
        if (options.platforms().isActive() && MediaTypes.isIndex(head.mediaType())) {
            Manifest index = client.getManifest(source.withDigest(head.digest()));
            Optional<Manifest> filtered = IndexFilter.apply(index, options.platforms());
            if (filtered.isEmpty()) {
                return CopyPlan.nothingToPush(source, target, head.digest(), CopyResult.FILTERED,
                        "no entry of the index matches " + options.platforms());
            }
            manifest = filtered.get();
            if (!manifest.digest().equals(index.digest())) {
                note = "index filtered to " + options.platforms() + ": its digest differs from the source's "
                        + index.digest();
            }
        }
        Digest wanted = manifest != null ? manifest.digest() : head.digest();
        ImageReference copied = targetTag != null ? target.withTag(targetTag) : target.withDigest(wanted);
        if (!options.force() && client.headManifest(copied)
                .filter(existing -> existing.digest().equals(wanted)).isPresent()) {
            return CopyPlan.nothingToPush(source, copied, wanted, CopyResult.UNCHANGED, "unchanged");
        }
        if (manifest == null) {
            manifest = client.getManifest(source.withDigest(head.digest()));
        }
        if (options.platforms().isActive() && !manifest.isIndex()) {
            // a single-platform image to copy: its config says which platform it is for
            Optional<Platform> platform = platformOf(manifest, source);
            if (platform.isPresent() && !options.platforms().matches(platform.get())) {
                return CopyPlan.nothingToPush(source, target, head.digest(), CopyResult.FILTERED,
                        "the image is for " + platform.get() + ", which " + options.platforms() + " leaves out");
            }
        }
        Repository from = source.repository();
        Repository to = target.repository();
        List<Manifest> children = new ArrayList<>();
        collectMissingChildren(manifest, from, to, options.platforms(), children);
        Map<Digest, Descriptor> blobs = new LinkedHashMap<>();
        manifest.blobs().forEach(blob -> blobs.putIfAbsent(blob.digest(), blob));
        children.forEach(child -> child.blobs().forEach(blob -> blobs.putIfAbsent(blob.digest(), blob)));
        List<BlobCopy> copies = new ArrayList<>();
        List<BlobCopy> landed = new ArrayList<>();
        blobs.values().stream().filter(blob -> !blob.isForeign()).map(blob -> new BlobCopy(from, to, blob))
                .forEach(copy -> (ledger.hasLandedInRepository(to, copy.blob().digest()) ? landed : copies).add(copy));
        return new CopyPlan(source, copied, manifest.digest(), null, note, manifest, children, copies, landed,
                BlobCounts.NONE);
    }

    /** The platform an image manifest's config names (os, architecture, variant), if it has a config that does. */
    private Optional<Platform> platformOf(Manifest image, ImageReference source) {
        Optional<Descriptor> config = image.config();
        if (config.isEmpty() || config.get().size() > MAX_CONFIG_BYTES) {
            return Optional.empty();
        }
        try {
            JsonNode json = JSON.readTree(client.getSmallBlob(source.repository(), config.get().digest(),
                    MAX_CONFIG_BYTES));
            if (!json.path("architecture").isTextual()) {
                return Optional.empty(); // not an image config (an artifact's)
            }
            return Optional.of(new Platform(json.path("os").asText(null), json.path("architecture").asText(null),
                    json.path("variant").asText(null), json.path("os.version").asText(null)));
        } catch (IOException notJson) {
            return Optional.empty();
        }
    }

    /**
     * Pushes what {@code plan} says once its blobs are in: the child manifests by digest (each once per repository
     * and run), then the top manifest under the tag or digest. A plan with nothing to push returns its outcome.
     *
     * @throws dev.imagesyncer.registry.RegistryException when a push fails (a registry refuses a manifest whose
     *                                                    blobs are missing: MANIFEST_BLOB_UNKNOWN)
     */
    public CopyResult push(CopyPlan plan) {
        if (!plan.needsPush()) {
            return new CopyResult(plan.source(), plan.target(), plan.digest(), plan.skipOutcome(), plan.note(),
                    plan.blobCounts(), 0, ReferrerCounts.NONE);
        }
        BlobCounts blobs = plan.blobCounts();
        for (BlobCopy landed : plan.landedBlobs()) {
            blobs = blobs.plus(BlobResult.PRESENT);
        }
        Repository to = plan.target().repository();
        int pushed = 0;
        for (Manifest child : plan.children()) {
            pushed += pushChild(child, to) ? 1 : 0;
        }
        client.putManifest(to, plan.target().reference(), plan.manifest());
        return new CopyResult(plan.source(), plan.target(), plan.digest(), CopyResult.SYNCED, plan.note(), blobs,
                pushed + 1, ReferrerCounts.NONE);
    }

    /**
     * The manifests under an index that the target does not have yet, each after its own children (nested
     * indexes included): the order to push them in. Nothing for an image manifest.
     */
    private void collectMissingChildren(Manifest manifest, Repository from, Repository to, PlatformFilter filter,
                                        List<Manifest> missing) {
        for (Descriptor child : manifest.children()) {
            if (!filter.matches(child.platform())
                    || client.headManifest(new ImageReference(to, null, child.digest())).isPresent()) {
                continue;
            }
            Manifest childManifest = client.getManifest(new ImageReference(from, null, child.digest()));
            collectMissingChildren(childManifest, from, to, filter, missing);
            missing.add(childManifest);
        }
    }

    /**
     * Copies the manifest {@code head} from {@code from} to {@code to}, under {@code tag} or (null) by digest, with
     * its blobs (and children), as {@link #copy} does (a run's copier: on the calling thread), once per target
     * repository and run, as child manifests
     * are: a copy of this run that claimed it first does it, and the others wait for it. Used for referrers and
     * cosign's tags, which many images may share.
     *
     * @return {@link CopyResult#SYNCED} when this call pushed it, {@link CopyResult#UNCHANGED} when the target had
     *         it or another copy of this run put it there
     * @throws dev.imagesyncer.registry.RegistryException when a registry call fails
     */
    public CopyResult copyOnce(Repository from, Repository to, Descriptor head, String tag) {
        ImageReference source = new ImageReference(from, tag, tag == null ? head.digest() : null);
        ImageReference target = new ImageReference(to, tag, tag == null ? head.digest() : null);
        return onceInRepository(to, head.digest(), () -> copy(source, head, target, CopyOptions.DEFAULT),
                () -> push(CopyPlan.nothingToPush(source, target, head.digest(), CopyResult.UNCHANGED,
                        "copied by another image of this run")));
    }

    /** Pushes a child manifest by digest, once per repository and run, like a blob (see {@link BlobLedger}). */
    private boolean pushChild(Manifest child, Repository to) {
        return onceInRepository(to, child.digest(), () -> {
            client.putChildManifest(to, child);
            return true;
        }, () -> false);
    }

    /**
     * Does {@code work} for {@code digest} in {@code to} once per run (a blob, a child manifest, a referrer): the
     * copy that claims it first does it, and the others wait and get {@code doneByAnother}; when the copy that
     * claimed it fails, the next claims it, so that one copy writes at a time (see {@link BlobLedger}).
     */
    private <T> T onceInRepository(Repository to, Digest digest, Supplier<T> work, Supplier<T> doneByAnother) {
        while (true) {
            BlobLedger.Claim claim = ledger.claimInRepository(to, digest);
            if (!claim.isOwner()) {
                if (awaitLanding(claim).isPresent()) {
                    return doneByAnother.get();
                }
                continue;
            }
            try {
                T result = work.get();
                claim.landed(to);
                return result;
            } catch (RuntimeException | Error e) {
                claim.failed();
                throw e;
            }
        }
    }

    /**
     * Puts one blob into its target repository, unless this run put it there already: HEAD it there, then mount
     * it from a repository of the same registry where this run (or the source) has it, else stream it from the
     * source, verifying its digest on the way. One attempt.
     *
     * @throws dev.imagesyncer.registry.RegistryException when a registry call fails or the bytes are wrong
     */
    public BlobResult copyBlob(BlobCopy copy) {
        return onceInRepository(copy.to(), copy.blob().digest(),
                () -> intoRepository(copy.blob(), copy.from(), copy.to(), this::push), () -> BlobResult.PRESENT);
    }

    /**
     * What {@link #copyBlob} would do with one blob, for a dry run, without writing: present (the target
     * repository has it, or this run planned it there already), mounted (this run planned it into another
     * repository of the registry, or the source is in the same registry) or copied (its size in bytes). The run's
     * ledger records the blob as if it had landed, so that the rest of the dry run plans as a real run would act.
     *
     * @throws dev.imagesyncer.registry.RegistryException when the target cannot be asked (HEAD)
     */
    public BlobResult planBlob(BlobCopy copy) {
        return onceInRepository(copy.to(), copy.blob().digest(),
                () -> intoRepository(copy.blob(), copy.from(), copy.to(), ImageCopier::wouldPush),
                () -> BlobResult.PRESENT);
    }

    /**
     * For a dry run: true when {@link #push} would push the child manifest {@code digest} into {@code to}, that is
     * when no copy of this run planned it there before (child manifests are pushed once per repository and run).
     */
    public boolean planChild(Repository to, Digest digest) {
        return onceInRepository(to, digest, () -> true, () -> false);
    }

    /** How a blob goes into a target repository: pushed for real, or what a push would do (a dry run). */
    @FunctionalInterface
    private interface BlobPush {
        BlobResult push(Descriptor blob, Repository from, Repository to, Repository mountFrom);
    }

    /**
     * Mounts the blob when this run already put it into another repository of the registry, else transfers it
     * ({@code push}); present when the target has it.
     */
    private BlobResult intoRepository(Descriptor blob, Repository from, Repository to, BlobPush push) {
        BlobLedger.Claim inRegistry = ledger.claimInRegistry(to, blob.digest());
        if (!inRegistry.isOwner()) {
            Optional<Repository> landedIn = awaitLanding(inRegistry);
            return landedIn.filter(to::equals).isPresent() ? BlobResult.PRESENT
                    : push.push(blob, from, to, landedIn.orElse(null));
        }
        try {
            BlobResult result = client.blobExists(to, blob.digest()) ? BlobResult.PRESENT
                    : push.push(blob, from, to, null);
            inRegistry.landed(to);
            return result;
        } catch (RuntimeException | Error e) {
            inRegistry.failed();
            throw e;
        }
    }

    /** Mounts from {@code mountFrom} (another target repository) or the source when in the same registry. */
    private BlobResult push(Descriptor blob, Repository from, Repository to, Repository mountFrom) {
        BlobPushResult pushed = client.pushBlob(to, blob, offset -> client.openBlob(from, blob.digest(), offset),
                mountSource(from, to, mountFrom));
        return pushed.mounted() ? BlobResult.MOUNTED : BlobResult.copied(pushed.bytes());
    }

    /** What {@link #push} would do, without writing: a mount when it would try one, else a copy of the blob's size. */
    private static BlobResult wouldPush(Descriptor blob, Repository from, Repository to, Repository mountFrom) {
        return mountSource(from, to, mountFrom) != null ? BlobResult.MOUNTED
                : BlobResult.copied(Math.max(0, blob.size()));
    }

    /** Where a push mounts from: {@code mountFrom}, else the source when it is in the target's registry, else none. */
    private static Repository mountSource(Repository from, Repository to, Repository mountFrom) {
        return mountFrom != null ? mountFrom : from.registry().equals(to.registry()) ? from : null;
    }

    private static Optional<Repository> awaitLanding(BlobLedger.Claim claim) {
        try {
            return claim.awaitLanding();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompletionException(e);
        }
    }
}

package dev.imagesyncer.copy;

import dev.imagesyncer.registry.BlobPushResult;
import dev.imagesyncer.registry.Descriptor;
import dev.imagesyncer.registry.Digest;
import dev.imagesyncer.registry.ErrorCode;
import dev.imagesyncer.registry.ImageReference;
import dev.imagesyncer.registry.Manifest;
import dev.imagesyncer.registry.MediaTypes;
import dev.imagesyncer.registry.PermanentRegistryException;
import dev.imagesyncer.registry.RegistryClient;
import dev.imagesyncer.registry.Repository;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies one image between registries in the order that keeps the target consistent at every moment: blobs
 * before the manifests that refer to them, child manifests (by digest) before their index, the tag last.
 * Manifests travel as the exact bytes the source served, so digests stay identical (a platform-filtered index
 * is the one exception). Blobs are copied in parallel on the {@code transfers} executor, whose size bounds the
 * transfers of the whole run, and at most once per target registry and run ({@link BlobLedger}).
 */
public final class ImageCopier {

    private final RegistryClient client;
    private final Executor transfers;
    private final BlobLedger ledger;

    public ImageCopier(RegistryClient client, Executor transfers, BlobLedger ledger) {
        this.client = client;
        this.transfers = transfers;
        this.ledger = ledger;
    }

    /** A copier that transfers blobs one after another on the calling thread. */
    public ImageCopier(RegistryClient client) {
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

    /**
     * Copies {@code source} (whose HEAD answer is {@code head}) to {@code target}. The target keeps the source's
     * tag unless it names its own; with no tag anywhere (a source given by digest) the manifest is pushed by
     * digest. Unless forced, nothing is pushed when the target already has the wanted digest there.
     */
    public CopyResult copy(ImageReference source, Descriptor head, ImageReference target, CopyOptions options) {
        String targetTag = target.tag() != null ? target.tag() : source.tag();
        Manifest manifest = null;
        String note = "";
        if (options.platforms().isActive() && MediaTypes.isIndex(head.mediaType())) {
            Manifest index = client.getManifest(source.withDigest(head.digest()));
            Optional<Manifest> filtered = IndexFilter.apply(index, options.platforms());
            if (filtered.isEmpty()) {
                return CopyResult.skipped(source, target, head.digest(),
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
            return CopyResult.skipped(source, copied, wanted, "unchanged");
        }
        if (manifest == null) {
            manifest = client.getManifest(source.withDigest(head.digest()));
        }
        Tally tally = new Tally();
        Repository from = source.repository();
        Repository to = target.repository();
        List<Manifest> children = new ArrayList<>();
        collectMissingChildren(manifest, from, to, options.platforms(), children);
        Map<Digest, Descriptor> blobs = new LinkedHashMap<>();
        manifest.blobs().forEach(blob -> blobs.putIfAbsent(blob.digest(), blob));
        children.forEach(child -> child.blobs().forEach(blob -> blobs.putIfAbsent(blob.digest(), blob)));
        copyBlobs(blobs.values(), from, to, tally);
        for (Manifest child : children) {
            pushChild(child, to, tally);
        }
        client.putManifest(to, targetTag != null ? targetTag : manifest.digest().toString(), manifest);
        tally.manifests.incrementAndGet();
        return new CopyResult(source, copied, manifest.digest(), false, note, tally.copied.get(),
                tally.mounted.get(), tally.present.get(), tally.manifests.get(), tally.bytes.get());
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

    /** Pushes a child manifest by digest, once per repository and run, like a blob (see {@link BlobLedger}). */
    private void pushChild(Manifest child, Repository to, Tally tally) {
        BlobLedger.Claim claim = ledger.claimInRepository(to, child.digest());
        if (!claim.isOwner() && awaitLanding(claim).isPresent()) {
            return;
        }
        try {
            client.putManifest(to, child.digest().toString(), child);
            tally.manifests.incrementAndGet();
            claim.landed(to);
        } catch (RuntimeException e) {
            claim.failed();
            throw e;
        }
    }

    private void copyBlobs(Iterable<Descriptor> blobs, Repository from, Repository to, Tally tally) {
        List<CompletableFuture<Void>> copies = new ArrayList<>();
        for (Descriptor blob : blobs) {
            if (!blob.isForeign()) {
                copies.add(CompletableFuture.runAsync(() -> copyBlob(blob, from, to, tally), transfers));
            }
        }
        try {
            CompletableFuture.allOf(copies.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private void copyBlob(Descriptor blob, Repository from, Repository to, Tally tally) {
        BlobLedger.Claim inRepository = ledger.claimInRepository(to, blob.digest());
        if (!inRepository.isOwner()) {
            if (awaitLanding(inRepository).isPresent()) {
                tally.present.incrementAndGet();
                return;
            }
            copyIntoRepository(blob, from, to, tally); // its first copy failed: try once more here
            return;
        }
        try {
            copyIntoRepository(blob, from, to, tally);
            inRepository.landed(to);
        } catch (RuntimeException e) {
            inRepository.failed();
            throw e;
        }
    }

    /** Mounts the blob when this run already put it into another repository of the registry, else transfers it. */
    private void copyIntoRepository(Descriptor blob, Repository from, Repository to, Tally tally) {
        BlobLedger.Claim inRegistry = ledger.claimInRegistry(to, blob.digest());
        if (!inRegistry.isOwner()) {
            Optional<Repository> landedIn = awaitLanding(inRegistry);
            if (landedIn.filter(to::equals).isPresent()) {
                tally.present.incrementAndGet();
            } else {
                push(blob, from, to, landedIn.orElse(null), tally);
            }
            return;
        }
        try {
            if (client.blobExists(to, blob.digest())) {
                tally.present.incrementAndGet();
            } else {
                push(blob, from, to, null, tally);
            }
            inRegistry.landed(to);
        } catch (RuntimeException e) {
            inRegistry.failed();
            throw e;
        }
    }

    /** Mounts from {@code mountFrom} (another target repository) or the source when in the same registry. */
    private void push(Descriptor blob, Repository from, Repository to, Repository mountFrom, Tally tally) {
        Repository mount = mountFrom != null ? mountFrom : (from.registry().equals(to.registry()) ? from : null);
        BlobPushResult pushed = client.pushBlob(to, blob, offset -> client.openBlob(from, blob.digest(), offset), mount);
        if (pushed.mounted()) {
            tally.mounted.incrementAndGet();
        } else {
            tally.copied.incrementAndGet();
            tally.bytes.addAndGet(pushed.bytes());
        }
    }

    private static Optional<Repository> awaitLanding(BlobLedger.Claim claim) {
        try {
            return claim.awaitLanding();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompletionException(e);
        }
    }

    /** Counts for one copy; blob copies update it from several threads. */
    private static final class Tally {
        final AtomicInteger copied = new AtomicInteger();
        final AtomicInteger mounted = new AtomicInteger();
        final AtomicInteger present = new AtomicInteger();
        final AtomicInteger manifests = new AtomicInteger();
        final AtomicLong bytes = new AtomicLong();
    }
}

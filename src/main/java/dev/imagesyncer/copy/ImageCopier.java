package dev.imagesyncer.copy;

import dev.imagesyncer.registry.BlobPushResult;
import dev.imagesyncer.registry.Descriptor;
import dev.imagesyncer.registry.ErrorCode;
import dev.imagesyncer.registry.ImageReference;
import dev.imagesyncer.registry.Manifest;
import dev.imagesyncer.registry.PermanentRegistryException;
import dev.imagesyncer.registry.RegistryClient;
import dev.imagesyncer.registry.Repository;

/**
 * Copies one image between registries in the order that keeps the target consistent at every moment: blobs
 * before the manifest that refers to them, child manifests (by digest) before their index, the tag last.
 * Manifests travel as the exact bytes the source served, so digests stay identical.
 */
public final class ImageCopier {

    private final RegistryClient client;

    public ImageCopier(RegistryClient client) {
        this.client = client;
    }

    /**
     * Copies {@code source} to {@code target}. The target keeps the source's tag unless it names its own; with no
     * tag anywhere (a source given by digest) the manifest is pushed by digest. Unless {@code force} is set,
     * nothing is pushed when the target tag already points at the source digest.
     */
    public CopyResult copy(ImageReference source, ImageReference target, boolean force) {
        Descriptor head = client.headManifest(source).orElseThrow(() -> new PermanentRegistryException(
                "copy " + source + ": manifest unknown at the source", 404, ErrorCode.MANIFEST_UNKNOWN));
        String targetTag = target.tag() != null ? target.tag() : source.tag();
        if (targetTag != null && !force) {
            boolean unchanged = client.headManifest(target.withTag(targetTag))
                    .filter(existing -> existing.digest().equals(head.digest())).isPresent();
            if (unchanged) {
                return new CopyResult(source, target.withTag(targetTag), head.digest(), true, 0, 0, 0, 0, 0);
            }
        }
        Manifest manifest = client.getManifest(source.withDigest(head.digest()));
        Tally tally = new Tally();
        copyContent(manifest, source.repository(), target.repository(), tally);
        client.putManifest(target.repository(), targetTag != null ? targetTag : manifest.digest().toString(), manifest);
        tally.manifests++;
        ImageReference copied = targetTag != null ? target.withTag(targetTag) : target.withDigest(manifest.digest());
        return new CopyResult(source, copied, manifest.digest(), false, tally.copied, tally.mounted, tally.present,
                tally.manifests, tally.bytes);
    }

    /** Everything {@code manifest} refers to, pushed into the target: children of an index, blobs of an image. */
    private void copyContent(Manifest manifest, Repository from, Repository to, Tally tally) {
        for (Descriptor child : manifest.children()) {
            if (client.headManifest(new ImageReference(to, null, child.digest())).isPresent()) {
                continue;
            }
            Manifest childManifest = client.getManifest(new ImageReference(from, null, child.digest()));
            copyContent(childManifest, from, to, tally);
            client.putManifest(to, child.digest().toString(), childManifest);
            tally.manifests++;
        }
        for (Descriptor blob : manifest.blobs()) {
            copyBlob(blob, from, to, tally);
        }
    }

    private void copyBlob(Descriptor blob, Repository from, Repository to, Tally tally) {
        if (blob.isForeign()) {
            return;
        }
        if (client.blobExists(to, blob.digest())) {
            tally.present++;
            return;
        }
        Repository mountFrom = from.registry().equals(to.registry()) ? from : null;
        BlobPushResult pushed = client.pushBlob(to, blob, () -> client.openBlob(from, blob.digest()), mountFrom);
        if (pushed.mounted()) {
            tally.mounted++;
        } else {
            tally.copied++;
            tally.bytes += pushed.bytes();
        }
    }

    /** Counts for one copy; confined to the thread running it. */
    private static final class Tally {
        int copied;
        int mounted;
        int present;
        int manifests;
        long bytes;
    }
}

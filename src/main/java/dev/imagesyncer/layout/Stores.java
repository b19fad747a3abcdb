package dev.imagesyncer.layout;

import dev.imagesyncer.registry.BlobPushResult;
import dev.imagesyncer.registry.BlobSource;
import dev.imagesyncer.registry.BlobStream;
import dev.imagesyncer.registry.Descriptor;
import dev.imagesyncer.registry.Digest;
import dev.imagesyncer.registry.ErrorCode;
import dev.imagesyncer.registry.ImageReference;
import dev.imagesyncer.registry.ImageStore;
import dev.imagesyncer.registry.Manifest;
import dev.imagesyncer.registry.Referrer;
import dev.imagesyncer.registry.Repository;
import dev.imagesyncer.registry.TransientRegistryException;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stores of one run: each call goes to the store its repository lives in, the registries' client or the OCI
 * layout its {@code oci:<directory>} names (opened, and locked for writing, at its first use; closed with this).
 */
public final class Stores implements ImageStore, Closeable {

    private final ImageStore registries;
    private final Map<String, OciLayout> layouts = new ConcurrentHashMap<>();

    /** Registries through {@code registries}; layouts opened here. */
    public Stores(ImageStore registries) {
        this.registries = registries;
    }

    private ImageStore of(Repository repository) {
        if (!repository.isLayout()) {
            return registries;
        }
        return new LayoutStore(layouts.computeIfAbsent(repository.registry(), key -> {
            Path directory = Path.of(key.substring(Repository.LAYOUT.length()));
            try {
                return OciLayout.write(directory);
            } catch (IOException e) {
                throw new TransientRegistryException(key + ": " + e.getMessage(), 0, ErrorCode.UNKNOWN, null, e);
            }
        }));
    }

    @Override
    public Optional<Descriptor> headManifest(ImageReference image) {
        return of(image.repository()).headManifest(image);
    }

    @Override
    public Optional<Manifest> findManifest(ImageReference image) {
        return of(image.repository()).findManifest(image);
    }

    @Override
    public Manifest getManifest(ImageReference image) {
        return of(image.repository()).getManifest(image);
    }

    @Override
    public Digest putManifest(Repository repository, String reference, Manifest manifest) {
        return of(repository).putManifest(repository, reference, manifest);
    }

    @Override
    public boolean blobExists(Repository repository, Digest digest) {
        return of(repository).blobExists(repository, digest);
    }

    @Override
    public BlobStream openBlob(Repository repository, Digest digest, long offset) {
        return of(repository).openBlob(repository, digest, offset);
    }

    @Override
    public byte[] getSmallBlob(Repository repository, Digest digest, int maxBytes) {
        return of(repository).getSmallBlob(repository, digest, maxBytes);
    }

    @Override
    public BlobPushResult pushBlob(Repository target, Descriptor blob, BlobSource source, Repository mountFrom) {
        // a mount is between repositories of one registry; a layout has none to offer, nor to take
        Repository mount = mountFrom != null && mountFrom.isLayout() == target.isLayout() ? mountFrom : null;
        return of(target).pushBlob(target, blob, source, target.isLayout() ? null : mount);
    }

    @Override
    public List<String> listTags(Repository repository) {
        return of(repository).listTags(repository);
    }

    @Override
    public Optional<List<Referrer>> referrersFromApi(Repository repository, Digest subject) {
        return of(repository).referrersFromApi(repository, subject);
    }

    @Override
    public boolean servesReferrersApi(Repository repository, Digest subject) {
        return of(repository).servesReferrersApi(repository, subject);
    }

    @Override
    public void deleteManifest(Repository repository, Digest digest) {
        of(repository).deleteManifest(repository, digest);
    }

    /** Releases the layouts' locks. */
    @Override
    public void close() throws IOException {
        for (OciLayout layout : layouts.values()) {
            layout.close();
        }
        layouts.clear();
    }
}

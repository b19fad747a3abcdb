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
import dev.imagesyncer.registry.PermanentRegistryException;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
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

    /** The store to read {@code repository} from: a layout not written yet reads as empty, and is not made. */
    private ImageStore of(Repository repository) {
        if (!repository.isLayout()) {
            return registries;
        }
        OciLayout writing = layouts.get(key(repository));
        if (writing != null) {
            return new LayoutStore(writing);
        }
        Path directory = directory(repository);
        if (!Files.isRegularFile(directory.resolve("index.json"))) {
            return new LayoutStore(OciLayout.absent(directory));
        }
        try {
            return new LayoutStore(OciLayout.read(directory));
        } catch (IOException e) {
            throw new PermanentRegistryException(repository.registry() + ": " + e.getMessage(), 0,
                    ErrorCode.NAME_UNKNOWN, e);
        }
    }

    /** The store to write {@code repository} to: a layout is made at its first write, and locked. */
    private ImageStore forWriting(Repository repository) {
        if (!repository.isLayout()) {
            return registries;
        }
        return new LayoutStore(layouts.computeIfAbsent(key(repository), key -> {
            try {
                return OciLayout.write(directory(repository));
            } catch (IOException e) {
                throw new PermanentRegistryException(key + ": " + e.getMessage(), 0, ErrorCode.DENIED, e);
            }
        }));
    }

    private static Path directory(Repository repository) {
        return Path.of(repository.registry().substring(Repository.LAYOUT.length()));
    }

    /** One layout per directory, however it is spelt ({@code oci:/m}, {@code oci:/m/}, {@code oci:./m}). */
    private static String key(Repository repository) {
        return directory(repository).toAbsolutePath().normalize().toString();
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
        return forWriting(repository).putManifest(repository, reference, manifest);
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
        return forWriting(target).pushBlob(target, blob, source, target.isLayout() ? null : mount);
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
        forWriting(repository).deleteManifest(repository, digest);
    }

    /** Releases the layouts' locks. */
    @Override
    public void close() throws IOException {
        IOException first = null;
        for (OciLayout layout : layouts.values()) {
            try {
                layout.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        layouts.clear();
        if (first != null) {
            throw first;
        }
    }
}

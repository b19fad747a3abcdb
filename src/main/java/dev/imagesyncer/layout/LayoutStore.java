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
import dev.imagesyncer.registry.PermanentRegistryException;
import dev.imagesyncer.registry.Referrer;
import dev.imagesyncer.registry.Repository;
import dev.imagesyncer.registry.TransientRegistryException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * One OCI image layout as an {@link ImageStore}: a repository {@code team/app} of it is the entries named
 * {@code team/app:<tag>}; manifests pushed by digest (an index's children) are blobs without an entry, as the
 * image-layout specification allows. No referrers API (referrers are stored as entries without a name) and no
 * deletes. A layout not made yet holds nothing, and reading a blob or the tags of one says so.
 */
public final class LayoutStore implements ImageStore {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();
    private final OciLayout layout;

    public LayoutStore(OciLayout layout) {
        this.layout = layout;
    }

    private static String refName(Repository repository, String tag) {
        return repository.path() + ":" + tag;
    }

    @Override
    public Optional<Descriptor> headManifest(ImageReference image) {
        return findManifest(image).map(manifest -> Descriptor.of(manifest.mediaType(), manifest.digest(),
                manifest.bytes().length));
    }

    @Override
    public Optional<Manifest> findManifest(ImageReference image) {
        try {
            if (image.digest() != null) {
                if (!layout.hasBlob(image.digest())) {
                    return Optional.empty();
                }
                byte[] bytes = layout.readBlob(image.digest());
                return Optional.of(Manifest.of(bytes, declaredType(bytes)));
            }
            Optional<Descriptor> entry = layout.find(refName(image.repository(), image.reference()));
            if (entry.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(Manifest.of(layout.readBlob(entry.get().digest()), entry.get().mediaType()));
        } catch (IOException e) {
            throw new TransientRegistryException(layout.root() + ": " + image + ": " + e.getMessage(), 0, ErrorCode.UNKNOWN, null, e);
        }
    }

    /** The media type a manifest says it has (its {@code mediaType} field), for one read by digest. */
    private static String declaredType(byte[] bytes) throws IOException {
        com.fasterxml.jackson.databind.JsonNode json = JSON.readTree(bytes);
        String declared = json.path("mediaType").asText("");
        if (!declared.isEmpty()) {
            return declared;
        }
        // OCI allows the field out: an index lists manifests, an image manifest does not
        return json.has("manifests") ? dev.imagesyncer.registry.MediaTypes.OCI_INDEX
                : dev.imagesyncer.registry.MediaTypes.OCI_MANIFEST;
    }

    @Override
    public Manifest getManifest(ImageReference image) {
        requireLayout(image.repository());
        return findManifest(image).orElseThrow(() -> new PermanentRegistryException(layout.root() + ": no manifest "
                + image + " in the layout", 0, ErrorCode.MANIFEST_UNKNOWN));
    }

    /** A layout that is not there cannot be read from. */
    private void requireLayout(Repository repository) {
        if (!layout.exists()) {
            throw new PermanentRegistryException(repository + ": no such layout", 0, ErrorCode.NAME_UNKNOWN);
        }
    }

    @Override
    public Digest putManifest(Repository repository, String reference, Manifest manifest) {
        try {
            if (reference.startsWith(manifest.digest().algorithm() + ":")) {
                // a child of an index, or a referrer: a blob the index or its subject's listing reaches
                layout.writeBlob(manifest.digest(), new java.io.ByteArrayInputStream(manifest.bytes()));
            } else {
                layout.putManifest(manifest, refName(repository, reference));
            }
            return manifest.digest();
        } catch (IOException e) {
            throw new TransientRegistryException(layout.root() + ": writing manifest " + reference + ": "
                    + e.getMessage(), 0, ErrorCode.UNKNOWN, null, e);
        }
    }

    @Override
    public boolean blobExists(Repository repository, Digest digest) {
        return layout.hasBlob(digest);
    }

    @Override
    public BlobStream openBlob(Repository repository, Digest digest, long offset) {
        requireLayout(repository);
        try {
            InputStream in = layout.openBlob(digest);
            try {
                in.skipNBytes(offset);
            } catch (IOException e) {
                in.close();
                throw e;
            }
            return BlobStream.of(in, -1);
        } catch (IOException e) {
            throw new PermanentRegistryException(layout.root() + ": blob " + digest + ": " + e.getMessage(), 0, ErrorCode.UNKNOWN, e);
        }
    }

    @Override
    public byte[] getSmallBlob(Repository repository, Digest digest, int maxBytes) {
        requireLayout(repository);
        try {
            return layout.readBlob(digest);
        } catch (IOException e) {
            throw new PermanentRegistryException(layout.root() + ": blob " + digest + ": " + e.getMessage(), 0, ErrorCode.UNKNOWN, e);
        }
    }

    @Override
    public BlobPushResult pushBlob(Repository target, Descriptor blob, BlobSource source, Repository mountFrom) {
        if (layout.hasBlob(blob.digest())) {
            return new BlobPushResult(false, 0);
        }
        try (BlobStream stream = source.open(0)) {
            return new BlobPushResult(false, layout.writeBlob(blob.digest(), stream.content()));
        } catch (IOException e) {
            throw new TransientRegistryException(layout.root() + ": writing blob " + blob.digest() + ": "
                    + e.getMessage(), 0, ErrorCode.UNKNOWN, null, e);
        }
    }

    @Override
    public List<String> listTags(Repository repository) {
        requireLayout(repository);
        String prefix = repository.path() + ":";
        try {
            return layout.refNames().stream().filter(name -> name.startsWith(prefix))
                    .map(name -> name.substring(prefix.length())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Optional<List<Referrer>> referrersFromApi(Repository repository, Digest subject) {
        return Optional.empty();
    }

    @Override
    public boolean servesReferrersApi(Repository repository, Digest subject) {
        return false;
    }

    @Override
    public void deleteManifest(Repository repository, Digest digest) {
        throw new PermanentRegistryException(layout.root() + ": a layout is not pruned", 0, ErrorCode.UNSUPPORTED);
    }
}

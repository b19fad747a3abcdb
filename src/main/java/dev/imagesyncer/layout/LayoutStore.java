package dev.imagesyncer.layout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagesyncer.registry.BlobPushResult;
import dev.imagesyncer.registry.BlobSource;
import dev.imagesyncer.registry.BlobStream;
import dev.imagesyncer.registry.Descriptor;
import dev.imagesyncer.registry.Digest;
import dev.imagesyncer.registry.ErrorCode;
import dev.imagesyncer.registry.ImageReference;
import dev.imagesyncer.registry.ImageStore;
import dev.imagesyncer.registry.Manifest;
import dev.imagesyncer.registry.MediaTypes;
import dev.imagesyncer.registry.PermanentRegistryException;
import dev.imagesyncer.registry.Referrer;
import dev.imagesyncer.registry.Repository;
import dev.imagesyncer.registry.TransientRegistryException;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One OCI image layout (a directory or an archive, {@link Layout}) as an {@link ImageStore}. A repository
 * {@code team/app} of it is the {@code index.json} entries named {@code team/app:<tag>}; the repository with the
 * empty path is the entries named without one ({@code 1.0}, as skopeo writes them). An index's children are
 * blobs without an entry; other manifests pushed by digest are untagged entries: referrers (a manifest with a
 * {@code subject}), which the store lists as a referrers API would, and images copied by digest alone. No
 * deletes. A layout not made yet holds
 * nothing, and reading a blob or the tags of one says so.
 */
public final class LayoutStore implements ImageStore {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Digest NO_SUBJECT = Digest.sha256(new byte[0]);
    private final Layout layout;
    /** The subject of each untagged entry read so far (manifests do not change under their digest). */
    private final Map<Digest, Digest> subjects = new ConcurrentHashMap<>();

    public LayoutStore(Layout layout) {
        this.layout = layout;
    }

    /** The layout this store reads and writes. */
    Layout layout() {
        return layout;
    }

    /** The ref name of {@code tag} in {@code repository}: {@code team/app:1.0}, or {@code 1.0} for a bare one. */
    private static String refName(Repository repository, String tag) {
        return repository.path().isEmpty() ? tag : repository.path() + ":" + tag;
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
            Optional<Descriptor> entry = layout.index().find(refName(image.repository(), image.reference()));
            if (entry.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(Manifest.of(layout.readBlob(entry.get().digest()), entry.get().mediaType()));
        } catch (IOException e) {
            throw new TransientRegistryException(layout.location() + ": " + image + ": " + e.getMessage(), 0,
                    ErrorCode.UNKNOWN, null, e);
        }
    }

    /** The media type a manifest says it has (its {@code mediaType} field), for one read by digest. */
    private static String declaredType(byte[] bytes) throws IOException {
        JsonNode json = JSON.readTree(bytes);
        String declared = json.path("mediaType").asText("");
        if (!declared.isEmpty()) {
            return declared;
        }
        // OCI allows the field out: an index lists manifests, an image manifest does not
        return json.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
    }

    @Override
    public Manifest getManifest(ImageReference image) {
        requireLayout(image.repository());
        return findManifest(image).orElseThrow(() -> new PermanentRegistryException(layout.location()
                + ": no manifest " + image + " in the layout", 0, ErrorCode.MANIFEST_UNKNOWN));
    }

    /** A layout that is not there cannot be read from. */
    private void requireLayout(Repository repository) {
        if (!layout.exists()) {
            throw new PermanentRegistryException(repository + ": no such layout", 0, ErrorCode.NAME_UNKNOWN);
        }
    }

    /**
     * A tag is the entry named {@code <repository>:<tag>}; a manifest pushed by digest (a referrer, or an image
     * whose destination names no tag) is an untagged entry, so that {@code index.json} reaches it.
     */
    @Override
    public Digest putManifest(Repository repository, String reference, Manifest manifest) {
        boolean byDigest = reference.equals(manifest.digest().toString());
        try {
            layout.putManifest(manifest, byDigest ? null : refName(repository, reference));
            return manifest.digest();
        } catch (IOException e) {
            throw new TransientRegistryException(layout.location() + ": writing manifest " + reference + ": "
                    + e.getMessage(), 0, ErrorCode.UNKNOWN, null, e);
        }
    }

    /** A child of an index is a blob the index reaches, without an entry of its own. */
    @Override
    public Digest putChildManifest(Repository repository, Manifest manifest) {
        try {
            layout.writeBlob(manifest.digest(), manifest.bytes().length, Layout.bytes(manifest.bytes()));
            return manifest.digest();
        } catch (IOException e) {
            throw new TransientRegistryException(layout.location() + ": writing manifest " + manifest.digest()
                    + ": " + e.getMessage(), 0, ErrorCode.UNKNOWN, null, e);
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
            throw new PermanentRegistryException(layout.location() + ": blob " + digest + ": " + e.getMessage(), 0,
                    ErrorCode.UNKNOWN, e);
        }
    }

    @Override
    public byte[] getSmallBlob(Repository repository, Digest digest, int maxBytes) {
        requireLayout(repository);
        try {
            return layout.readBlob(digest);
        } catch (IOException e) {
            throw new PermanentRegistryException(layout.location() + ": blob " + digest + ": " + e.getMessage(), 0,
                    ErrorCode.UNKNOWN, e);
        }
    }

    @Override
    public BlobPushResult pushBlob(Repository target, Descriptor blob, BlobSource source, Repository mountFrom) {
        if (layout.hasBlob(blob.digest())) {
            return new BlobPushResult(false, 0);
        }
        try {
            return new BlobPushResult(false, layout.writeBlob(blob.digest(), blob.size(), source));
        } catch (IOException e) {
            throw new TransientRegistryException(layout.location() + ": writing blob " + blob.digest() + ": "
                    + e.getMessage(), 0, ErrorCode.UNKNOWN, null, e);
        }
    }

    /**
     * The tags of {@code repository}; for the empty path, the ref names without a repository that can be tags
     * ({@code 1.0}, not {@code team/app}).
     */
    @Override
    public List<String> listTags(Repository repository) {
        requireLayout(repository);
        List<String> tags = new ArrayList<>();
        for (String name : refNames()) {
            int colon = name.lastIndexOf(':');
            if (repository.path().isEmpty() ? colon < 0 && ImageReference.isTag(name)
                    : colon > 0 && name.substring(0, colon).equals(repository.path())) {
                tags.add(name.substring(colon + 1));
            }
        }
        return tags;
    }

    /**
     * The repositories the layout's ref names name ({@code team/app} of {@code team/app:1.0}), in the order of
     * {@code index.json}, for a rule over the whole layout.
     *
     * @throws PermanentRegistryException when some entries are named without a repository ({@code 1.0}, as skopeo
     *                                    names them): such a layout is pushed one ref at a time
     */
    @Override
    public List<String> listRepositories(Repository anchor) {
        requireLayout(anchor);
        LinkedHashSet<String> repositories = new LinkedHashSet<>();
        List<String> bare = new ArrayList<>();
        for (String name : refNames()) {
            int colon = name.lastIndexOf(':');
            if (colon > 0) {
                repositories.add(name.substring(0, colon));
            } else {
                bare.add(name);
            }
        }
        if (!bare.isEmpty()) {
            String layoutName = anchor.registry();
            throw new PermanentRegistryException(layoutName + " names " + (bare.size() == 1 ? "an image" : bare.size()
                    + " images") + " without a repository (" + String.join(", ", bare.subList(0, Math.min(3,
                    bare.size()))) + (bare.size() > 3 ? ", ..." : "") + "), as skopeo writes them: a rule over the "
                    + "whole layout needs names like team/app:1.0; copy each with " + layoutName + ":" + bare.get(0)
                    + ": REG/repository[:tag]", 0, ErrorCode.NAME_INVALID);
        }
        return List.copyOf(repositories);
    }

    private List<String> refNames() {
        try {
            return layout.index().refNames();
        } catch (IOException e) {
            throw new PermanentRegistryException(layout.location() + ": " + e.getMessage(), 0, ErrorCode.UNKNOWN, e);
        }
    }

    /** The untagged entries of {@code index.json} whose manifest's {@code subject} is {@code subject}. */
    @Override
    public Optional<List<Referrer>> referrersFromApi(Repository repository, Digest subject) {
        if (!layout.exists()) {
            return Optional.of(List.of());
        }
        try {
            List<Referrer> referrers = new ArrayList<>();
            for (Descriptor entry : layout.index().untagged()) {
                if (subject.equals(subjectOf(entry.digest()))) {
                    referrers.add(Referrer.of(Manifest.of(layout.readBlob(entry.digest()), entry.mediaType())));
                }
            }
            return Optional.of(referrers);
        } catch (IOException e) {
            throw new TransientRegistryException(layout.location() + ": referrers of " + subject + ": "
                    + e.getMessage(), 0, ErrorCode.UNKNOWN, null, e);
        }
    }

    private Digest subjectOf(Digest manifest) throws IOException {
        Digest known = subjects.get(manifest);
        if (known == null) {
            byte[] bytes = layout.readBlob(manifest);
            known = Manifest.of(bytes, declaredType(bytes)).subject().map(Descriptor::digest).orElse(NO_SUBJECT);
            subjects.put(manifest, known);
        }
        return known;
    }

    /** A layout lists referrers as its untagged entries: no tag-schema index is needed. */
    @Override
    public boolean servesReferrersApi(Repository repository, Digest subject) {
        return true;
    }

    @Override
    public void deleteManifest(Repository repository, Digest digest) {
        throw new PermanentRegistryException(layout.location() + ": a layout is not pruned", 0,
                ErrorCode.UNSUPPORTED);
    }
}

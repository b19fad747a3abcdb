package dev.imagesyncer.registry;

import java.util.List;
import java.util.Optional;

/**
 * Where images live, as the copy engine sees it: manifests by reference, blobs by digest, tags and referrers per
 * repository. A registry ({@link RegistryClient}, the OCI distribution spec) implements it, and so does an OCI
 * image layout on disk, a directory or an archive ({@code dev.imagesyncer.layout.LayoutStore}), so that the copy
 * engine moves images between any two of them.
 */
public interface ImageStore {

    /**
     * The manifest's descriptor (digest, media type, size in bytes), or empty when it is not there.
     *
     * @throws RegistryException when the store cannot answer
     */
    Optional<Descriptor> headManifest(ImageReference image);

    /** The manifest, bytes exactly as stored, or empty when it is not there. */
    Optional<Manifest> findManifest(ImageReference image);

    /**
     * The manifest, bytes exactly as stored, checked against its digest.
     *
     * @throws RegistryException when it is not there or cannot be read
     */
    Manifest getManifest(ImageReference image);

    /**
     * Stores {@code manifest} under {@code reference} (a tag or its digest), as the image a copy names (or a
     * referrer); returns its digest.
     */
    Digest putManifest(Repository repository, String reference, Manifest manifest);

    /**
     * Stores {@code manifest}, a child of an index about to be pushed, by its digest; returns its digest. A
     * registry stores it as any manifest pushed by digest; a layout keeps it as a blob that the index reaches,
     * without an {@code index.json} entry of its own.
     */
    default Digest putChildManifest(Repository repository, Manifest manifest) {
        return putManifest(repository, manifest.digest().toString(), manifest);
    }

    /** True when the repository holds blob {@code digest}. */
    boolean blobExists(Repository repository, Digest digest);

    /** Blob {@code digest} from byte {@code offset} on, to stream; the caller checks the digest. */
    BlobStream openBlob(Repository repository, Digest digest, long offset);

    /** A small blob (a config) whole, at most {@code maxBytes} bytes, checked against its digest. */
    byte[] getSmallBlob(Repository repository, Digest digest, int maxBytes);

    /**
     * Puts {@code blob} into {@code target}: found there, mounted from {@code mountFrom} (null: no mount), or
     * streamed from {@code source} with its digest checked on the way.
     */
    BlobPushResult pushBlob(Repository target, Descriptor blob, BlobSource source, Repository mountFrom);

    /**
     * The repositories of the store that {@code anchor}'s registry lists (a registry's catalog, paged; a layout's
     * ref names), for a rule over a namespace.
     *
     * @throws RegistryException when the store cannot list them
     */
    List<String> listRepositories(Repository anchor);

    /** The repository's tags, in the order the store lists them. */
    List<String> listTags(Repository repository);

    /** The referrers of {@code subject} through a referrers API, or empty when the store has none. */
    Optional<List<Referrer>> referrersFromApi(Repository repository, Digest subject);

    /** True when the store serves the referrers API for {@code subject}'s repository. */
    boolean servesReferrersApi(Repository repository, Digest subject);

    /** Deletes the manifest {@code digest} (and the tags on it). */
    void deleteManifest(Repository repository, Digest digest);
}

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

import dev.imagesyncer.report.Sizes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The stores of one run: each call goes to the store its repository lives in, the registries' client or the OCI
 * layout its {@code oci:<directory>} or {@code oci-archive:<file>} names. A directory is opened, and locked for
 * writing, at its first use; an archive is read when it is a source and written anew when it is a destination
 * ({@link #completeArchives} at the end of the run). {@link #close} releases them all.
 */
public final class Stores implements ImageStore, Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(Stores.class);

    private final ImageStore registries;
    private final Set<String> archiveDestinations;
    private final Map<String, LayoutStore> reading = new ConcurrentHashMap<>();
    private final Map<String, LayoutStore> writing = new ConcurrentHashMap<>();
    /** {@link #completeArchives} ran: it said, for each archive, what became of it. */
    private volatile boolean archivesEnded;

    /**
     * Registries through {@code registries}; layouts opened here.
     *
     * @param destinations the repositories the run writes to: an archive among them reads as empty until written
     *                     (each run writes its archives whole)
     */
    public Stores(ImageStore registries, Collection<Repository> destinations) {
        this.registries = registries;
        this.archiveDestinations = destinations.stream().filter(Repository::isArchive).map(Stores::key)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** The store to read {@code repository} from: a layout not written yet reads as empty, and is not made. */
    private ImageStore of(Repository repository) {
        if (!repository.isLayout()) {
            return registries;
        }
        String key = key(repository);
        LayoutStore writer = writing.get(key);
        if (writer != null) {
            return writer;
        }
        Path location = location(repository);
        if (repository.isArchive() ? archiveDestinations.contains(key) || !Files.isRegularFile(location)
                : !Files.isRegularFile(location.resolve("index.json"))) {
            return new LayoutStore(OciLayout.absent(location));
        }
        return reading.computeIfAbsent(key, opened -> {
            try {
                return new LayoutStore(openToRead(repository));
            } catch (IOException e) {
                throw new PermanentRegistryException(repository.registry() + ": " + e.getMessage(), 0,
                        ErrorCode.NAME_UNKNOWN, e);
            }
        });
    }

    private static Layout openToRead(Repository repository) throws IOException {
        return repository.isArchive() ? ArchiveReader.open(location(repository)) : OciLayout.read(location(repository));
    }

    /**
     * True when the layout {@code layout} names has an entry named exactly {@code name}, without a repository
     * ({@code 1.0}, as skopeo names entries): {@code oci:DIR:1.0} then names that entry. False when the layout
     * cannot be read (the copy says why).
     */
    public static boolean namesBareRef(Repository layout, String name) {
        if (!layout.isLayout() || name.contains(":")) {
            return false;
        }
        try (Layout opened = openToRead(layout)) {
            return opened.index().refNames().contains(name);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The store to write {@code repository} to: a layout is made (an archive begun) at its first write, locked. */
    private ImageStore forWriting(Repository repository) {
        if (!repository.isLayout()) {
            return registries;
        }
        return writing.computeIfAbsent(key(repository), key -> {
            try {
                return new LayoutStore(repository.isArchive() ? ArchiveWriter.create(location(repository))
                        : OciLayout.write(location(repository)));
            } catch (IOException e) {
                throw new PermanentRegistryException(key + ": " + e.getMessage(), 0, ErrorCode.DENIED, e);
            }
        });
    }

    private static Path location(Repository repository) {
        return Path.of(repository.layoutLocation());
    }

    /** One layout per directory or file, however it is spelt ({@code oci:/m}, {@code oci:/m/}, {@code oci:./m}). */
    private static String key(Repository repository) {
        return (repository.isArchive() ? Repository.ARCHIVE : Repository.LAYOUT) + repository.layoutPath();
    }

    /**
     * Ends each archive this run wrote (see {@link ArchiveWriter#complete}), except those named in
     * {@code unfinished} (as {@link #archiveOf} names them: some image did not reach them), which stay part files
     * beside the last complete archive; one line each. Returns the archives that could not be completed, each
     * with the reason (its part file is left).
     */
    public Map<String, String> completeArchives(Set<String> unfinished) {
        archivesEnded = true;
        Map<String, String> failed = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, LayoutStore> entry : writing.entrySet()) {
            if (!(entry.getValue().layout() instanceof ArchiveWriter archive)) {
                continue;
            }
            if (unfinished.contains(entry.getKey())) {
                LOG.warn("{}: not every image reached it (see the failed ones): the archive is not completed and "
                        + "{} is left as it was; {} holds the others", entry.getKey(), archive.location(),
                        archive.part());
                continue;
            }
            try {
                String sha256 = archive.complete();
                LOG.info("{}: {} blobs and manifests, {}; sha256 {} (in {}.sha256)", entry.getKey(),
                        archive.blobCount(), Sizes.human(archive.size()), sha256, archive.location());
            } catch (IOException | RuntimeException e) {
                String reason = "the archive " + archive.location() + " could not be completed (" + e.getMessage()
                        + "); " + archive.part() + " is left";
                LOG.error("{}: {}", entry.getKey(), reason);
                failed.put(entry.getKey(), reason);
            }
        }
        return failed;
    }

    /**
     * The archive an image reference (as reports write it) lies in, as {@link #completeArchives} names archives
     * ({@code oci-archive:<absolute path>}); null for a registry or directory, or text that is not a reference.
     */
    public static String archiveOf(String image) {
        try {
            Repository repository = ImageReference.parse(image).repository();
            return repository.isArchive() ? key(repository) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public List<String> listRepositories(Repository anchor) {
        return of(anchor).listRepositories(anchor);
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
    public Digest putChildManifest(Repository repository, Manifest manifest) {
        return forWriting(repository).putChildManifest(repository, manifest);
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

    /**
     * Releases the layouts' locks; an archive not completed stays as its part file, said here when the run ended
     * before {@link #completeArchives} could say it.
     */
    @Override
    public void close() throws IOException {
        IOException first = null;
        for (LayoutStore store : writing.values()) {
            Layout layout = store.layout();
            try {
                if (layout instanceof ArchiveWriter archive && !archive.isComplete() && !archivesEnded) {
                    LOG.warn("{}: the archive is not complete: {} is left; the next run writes it anew",
                            archive.location(), archive.part());
                }
                layout.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        writing.clear();
        reading.clear();
        if (first != null) {
            throw first;
        }
    }
}

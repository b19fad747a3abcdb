package dev.imagesyncer.layout;

import dev.imagesyncer.registry.BlobSource;
import dev.imagesyncer.registry.BlobStream;
import dev.imagesyncer.registry.Descriptor;
import dev.imagesyncer.registry.Digest;
import dev.imagesyncer.registry.DigestMismatchException;
import dev.imagesyncer.registry.Manifest;
import dev.imagesyncer.registry.MediaTypes;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * An OCI image layout directory (OCI image-layout specification 1.0: the {@code oci-layout} file, {@code index.json},
 * {@code blobs/<algorithm>/<encoded>}) as a store of images, for mirrors carried across an air gap.
 *
 * <p>Tags are {@code index.json} entries annotated {@value LayoutIndex#REF_NAME}; their value keeps the repository
 * ({@code team/app:1.0}) so that one layout holds a whole mirror. Writes are safe: a blob is written under a
 * temporary name in its directory, its digest checked, then renamed to its final name; {@code index.json} is
 * written to a temporary file and renamed over the old one (an atomic move); a writer holds an exclusive lock on
 * {@code .lock}, so that two runs never write one layout at once. A process killed in the middle of a write
 * leaves at most a temporary file, never a partial blob or index under its final name.
 */
public final class OciLayout implements Layout {

    /** The annotation of an {@code index.json} entry that names it (OCI image-spec annotations.md). */
    public static final String REF_NAME = LayoutIndex.REF_NAME;
    /** The {@code oci-layout} file (image-layout specification). */
    static final String LAYOUT_FILE = "{\"imageLayoutVersion\":\"1.0.0\"}";
    private static final String PARTIAL = ".partial-";

    private final Path root;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private OciLayout(Path root, FileChannel lockChannel, FileLock lock) {
        this.root = root;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Opens the layout at {@code root} to read it.
     *
     * @throws IOException when {@code root} is not an OCI image layout (no {@code oci-layout} or {@code index.json})
     */
    public static OciLayout read(Path root) throws IOException {
        if (!Files.isRegularFile(root.resolve("oci-layout")) || !Files.isRegularFile(root.resolve("index.json"))) {
            throw new NoSuchFileException(root.toString(), null,
                    "not an OCI image layout (it needs oci-layout and index.json)");
        }
        return new OciLayout(root, null, null);
    }

    /** The layout at {@code root} that is not made yet: it reads as empty ({@link #exists()} false). */
    static OciLayout absent(Path root) {
        return new OciLayout(root, null, null);
    }

    /** True when the layout's {@code index.json} is there. */
    @Override
    public boolean exists() {
        return Files.isRegularFile(root.resolve("index.json"));
    }

    /**
     * Opens the layout at {@code root} to write it, making it when it does not exist, and takes its lock.
     *
     * @throws IOException when it cannot be made, or another process writes it (its lock is taken)
     */
    public static OciLayout write(Path root) throws IOException {
        Files.createDirectories(root.resolve("blobs").resolve("sha256"));
        FileChannel channel = FileChannel.open(root.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock = exclusive(channel, root + ": another run is writing this layout (its .lock is taken)");
        OciLayout layout = new OciLayout(root, channel, lock);
        if (!Files.exists(root.resolve("oci-layout"))) {
            layout.replace(root.resolve("oci-layout"), LAYOUT_FILE.getBytes());
        }
        if (!Files.exists(root.resolve("index.json"))) {
            layout.replace(root.resolve("index.json"), LayoutIndex.empty().toBytes());
        }
        return layout;
    }

    /**
     * The exclusive lock of {@code channel}'s file, held by this process until released.
     *
     * @throws IOException saying {@code taken} (the channel closed) when another process, or this one, holds it
     */
    static FileLock exclusive(FileChannel channel, String taken) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException sameProcess) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new IOException(taken);
        }
        return lock;
    }

    /** The directory of the layout. */
    public Path root() {
        return root;
    }

    @Override
    public String location() {
        return root.toString();
    }

    /** Where blob {@code digest} lives. */
    Path blobPath(Digest digest) {
        return root.resolve("blobs").resolve(digest.algorithm()).resolve(digest.hex());
    }

    @Override
    public boolean hasBlob(Digest digest) {
        return Files.isRegularFile(blobPath(digest));
    }

    @Override
    public InputStream openBlob(Digest digest) throws IOException {
        return Files.newInputStream(blobPath(digest));
    }

    /**
     * Writes the blob to a temporary name in its directory, then, once its digest and size check out, renames it
     * to its final name (and flushes the directory); the temporary file is removed on any failure.
     */
    @Override
    public long writeBlob(Digest digest, long size, BlobSource source) throws IOException {
        Path target = blobPath(digest);
        if (Files.isRegularFile(target)) {
            return 0;
        }
        requireWriter();
        Files.createDirectories(target.getParent());
        Path partial = target.resolveSibling(PARTIAL + UUID.randomUUID());
        MessageDigest hasher = digest.newHasher();
        long written = 0;
        try {
            try (BlobStream stream = source.open(0); InputStream bytes = stream.content();
                 OutputStream out = Files.newOutputStream(partial, StandardOpenOption.CREATE_NEW,
                         StandardOpenOption.WRITE)) {
                byte[] buffer = new byte[256 * 1024];
                for (int n; (n = bytes.read(buffer)) > 0; ) {
                    hasher.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                    written += n;
                }
            }
            byte[] hash = hasher.digest();
            if (!digest.matches(hash) || size >= 0 && written != size) {
                throw new DigestMismatchException("blob " + digest + ": the " + written + " bytes read hash to "
                        + digest.algorithm() + ":" + HexFormat.of().formatHex(hash) + " (" + size + " expected);"
                        + " not written to the layout");
            }
            try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(target.getParent());
            return written;
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /** The entries of {@code index.json}, in its order. */
    public List<Descriptor> entries() throws IOException {
        return index().entries();
    }

    /** The ref names of {@code index.json}, in its order; untagged entries left out. */
    public List<String> refNames() throws IOException {
        return index().refNames();
    }

    @Override
    public LayoutIndex index() throws IOException {
        Path file = root.resolve("index.json");
        return exists() ? LayoutIndex.parse(Files.readAllBytes(file), file.toString()) : LayoutIndex.empty();
    }

    /** Writes the new {@code index.json} to a temporary file and moves it over the old one. */
    @Override
    public synchronized void updateIndex(UnaryOperator<LayoutIndex> change) throws IOException {
        requireWriter();
        replace(root.resolve("index.json"), change.apply(index()).toBytes());
    }

    /**
     * What is wrong with the layout, one line each; empty when every blob matches its digest and every
     * {@code index.json} entry resolves, with everything its manifests reference.
     */
    public List<String> validate() throws IOException {
        List<String> problems = new ArrayList<>();
        try (var files = Files.walk(root.resolve("blobs"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String name = file.getFileName().toString();
                if (name.startsWith(PARTIAL)) {
                    continue; // a write a killed run left; never a blob
                }
                Digest digest = new Digest(file.getParent().getFileName().toString(), name);
                MessageDigest hasher = digest.newHasher();
                try (InputStream in = Files.newInputStream(file)) {
                    byte[] buffer = new byte[256 * 1024];
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        hasher.update(buffer, 0, n);
                    }
                }
                if (!digest.matches(hasher.digest())) {
                    problems.add(file + " does not match its name");
                }
            }
        }
        for (Descriptor entry : entries()) {
            missing(entry, problems);
        }
        return problems;
    }

    private void missing(Descriptor descriptor, List<String> problems) throws IOException {
        if (!hasBlob(descriptor.digest())) {
            problems.add(descriptor.digest() + " is referenced but not in the layout");
            return;
        }
        if (!MediaTypes.isManifest(descriptor.mediaType())) {
            return;
        }
        Manifest manifest = Manifest.of(readBlob(descriptor.digest()), descriptor.mediaType());
        for (Descriptor child : manifest.isIndex() ? manifest.entries() : manifest.blobs()) {
            missing(child, problems);
        }
    }

    /** Writes {@code file} whole: a temporary file beside it, flushed to disk, moved over it atomically. */
    private void replace(Path file, byte[] bytes) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + PARTIAL + UUID.randomUUID());
        try {
            try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                channel.write(java.nio.ByteBuffer.wrap(bytes));
                channel.force(true);
            }
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(file.getParent());
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /**
     * Flushes a directory's entries to disk, so that a rename survives a power cut (a removable disk pulled out);
     * where the file system cannot (not a POSIX one), the rename stands as the system keeps it.
     */
    static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // some file systems refuse to open or flush a directory: nothing more can be done there
        }
    }

    private void requireWriter() {
        if (lock == null) {
            throw new IllegalStateException(root + " was opened to read");
        }
    }

    @Override
    public void close() throws IOException {
        if (lock != null) {
            lock.release();
            lockChannel.close();
        }
    }
}

package dev.imagesyncer.layout;

import dev.imagesyncer.registry.BlobSource;
import dev.imagesyncer.registry.BlobStream;
import dev.imagesyncer.registry.Digest;
import dev.imagesyncer.registry.DigestMismatchException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.io.output.CloseShieldOutputStream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * An OCI image layout archive ({@code oci-archive:FILE.tar}) being written, in one pass: the tar goes to
 * {@code FILE.tar.part} as the run copies (each blob streamed into it as it arrives, its digest and size checked on
 * the way, never held in memory; a blob that fails is cut off again), and {@link #complete} adds
 * {@code index.json}, flushes the file to disk, renames it to {@code FILE.tar} and writes {@code FILE.tar.sha256}
 * (the archive's SHA-256, as {@code sha256sum -c} reads it) beside it. Each run writes the archive whole; a run
 * that stops or is killed leaves {@code FILE.tar.part}, never a partial {@code FILE.tar}. Blobs go in one at a
 * time: writers of one archive wait for each other. An exclusive lock on the part file keeps a second run out.
 */
public final class ArchiveWriter implements Layout {

    private static final int RECORD = 512;

    private final Path archive;
    private final Path part;
    private final FileChannel channel;
    private final FileLock lock;
    private final long modified = Instant.now().getEpochSecond() * 1000;
    /** The SHA-256 of everything written to the part file, as it is written. */
    private final DigestOutputStream out;
    /** Each blob written: its digest to its data's offset and size in the part file, in bytes. */
    private final Map<Digest, long[]> blobs = new ConcurrentHashMap<>();
    private final Set<String> directories = new HashSet<>();
    private volatile LayoutIndex index = LayoutIndex.empty();
    private boolean completed;
    /** Why the part file cannot become the archive (a failed blob could not be cut off); null when it can. */
    private String broken;

    private ArchiveWriter(Path archive, Path part, FileChannel channel, FileLock lock) {
        this.archive = archive;
        this.part = part;
        this.channel = channel;
        this.lock = lock;
        this.out = new DigestOutputStream(Channels.newOutputStream(channel), sha256());
    }

    /**
     * Starts {@code archive} anew: takes the lock of {@code archive.lock} (kept beside it, so that the archive and
     * its part file can be renamed under the lock), empties {@code archive.part} and writes the {@code oci-layout}
     * file into it.
     *
     * @throws IOException when the part file cannot be made, or another run writes the archive (its lock is taken)
     */
    public static ArchiveWriter create(Path archive) throws IOException {
        Path absolute = archive.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        FileChannel lockChannel = FileChannel.open(absolute.resolveSibling(absolute.getFileName() + ".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = OciLayout.exclusive(lockChannel, absolute + ": another run is writing this archive (its "
                + ".lock is taken)");
        Path part = absolute.resolveSibling(absolute.getFileName() + ".part");
        ArchiveWriter writer = null;
        try {
            FileChannel channel = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            writer = new ArchiveWriter(absolute, part, channel, lock);
            byte[] layoutFile = OciLayout.LAYOUT_FILE.getBytes(StandardCharsets.UTF_8);
            writer.entry("oci-layout", layoutFile.length, new ByteArrayInputStream(layoutFile), null);
            return writer;
        } catch (IOException | RuntimeException e) {
            if (writer != null) {
                writer.close();
            } else {
                lock.release();
                lockChannel.close();
            }
            throw e;
        }
    }

    @Override
    public String location() {
        return archive.toString();
    }

    /** True: the archive being written holds what this run wrote into it. */
    @Override
    public boolean exists() {
        return true;
    }

    @Override
    public boolean hasBlob(Digest digest) {
        return blobs.containsKey(digest);
    }

    /** A blob this run wrote, read back from the part file. */
    @Override
    public InputStream openBlob(Digest digest) throws IOException {
        long[] place = blobs.get(digest);
        if (place == null) {
            throw new java.nio.file.NoSuchFileException(part + ": blob " + digest, null, "not written by this run");
        }
        return ArchiveReader.region(part, place[0], place[1]);
    }

    /**
     * Appends the blob to the tar, hashing it on the way; when its bytes do not match its digest or size, or the
     * source or the disk fails, the part file is cut back to where the blob (and the directory entries written for
     * it) started. The source is opened here, under this writer's lock, so that no download waits open for its
     * turn. When the part file cannot be cut back, the writer refuses to go on: the archive is never completed.
     *
     * @throws IOException when {@code size} is not known (-1): a tar entry's header says its size first
     */
    @Override
    public synchronized long writeBlob(Digest digest, long size, BlobSource source) throws IOException {
        if (blobs.containsKey(digest)) {
            return 0;
        }
        requireOpen();
        if (size < 0) {
            throw new IOException(part + ": blob " + digest + " has no size; an archive needs it before its bytes");
        }
        long start = channel.position();
        MessageDigest before = copy(out.getMessageDigest());
        List<String> made = new ArrayList<>();
        MessageDigest hasher = digest.newHasher();
        try (BlobStream stream = source.open(0); InputStream bytes = stream.content()) {
            String directory = "blobs/" + digest.algorithm() + "/";
            for (String needed : List.of("blobs/", directory)) {
                if (directories.add(needed)) {
                    made.add(needed);
                    entry(needed, 0, null, null);
                }
            }
            entry(directory + digest.hex(), size, bytes, hasher);
            byte[] hash = hasher.digest();
            if (!digest.matches(hash)) {
                throw new DigestMismatchException("blob " + digest + ": the bytes read hash to " + digest.algorithm()
                        + ":" + HexFormat.of().formatHex(hash) + "; not written to " + archive);
            }
        } catch (IOException | RuntimeException e) {
            made.forEach(directories::remove);
            try {
                channel.truncate(start);
                channel.position(start);
                out.setMessageDigest(before);
            } catch (IOException cut) {
                broken = part + " could not be cut back after a failed blob (" + cut.getMessage() + ")";
                e.addSuppressed(cut);
            }
            throw e;
        }
        long end = channel.position();
        blobs.put(digest, new long[] {end - padded(size), size});
        return size;
    }

    /** One tar entry: a directory ({@code content} null) or a file of {@code size} bytes, padded to its record. */
    private void entry(String name, long size, InputStream content, MessageDigest hasher) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setModTime(modified);
        entry.setMode(content == null ? 040755 : 0100644);
        entry.setSize(content == null ? 0 : size);
        // one tar stream per entry, never finished: the archive's end is written once, by complete()
        TarArchiveOutputStream tar = new TarArchiveOutputStream(CloseShieldOutputStream.wrap(out));
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.putArchiveEntry(entry);
        if (content != null) {
            byte[] buffer = new byte[256 * 1024];
            long left = size;
            for (int n; (n = content.read(buffer)) > 0; ) {
                if (n > left) {
                    throw new DigestMismatchException(name + ": more than the " + size + " bytes its descriptor says");
                }
                if (hasher != null) {
                    hasher.update(buffer, 0, n);
                }
                tar.write(buffer, 0, n);
                left -= n;
            }
            if (left > 0) {
                throw new DigestMismatchException(name + ": " + (size - left) + " bytes of the " + size
                        + " its descriptor says");
            }
        }
        tar.closeArchiveEntry();
        tar.flush();
    }

    private static long padded(long size) {
        return (size + RECORD - 1) / RECORD * RECORD;
    }

    @Override
    public LayoutIndex index() {
        return index;
    }

    @Override
    public synchronized void updateIndex(UnaryOperator<LayoutIndex> change) {
        requireOpen();
        index = change.apply(index);
    }

    /**
     * Ends the archive: writes {@code index.json} and the tar's end, flushes the part file to disk, renames it to
     * its final name and writes the {@code .sha256} file beside it (removed first, so that an old checksum never
     * stands beside a new archive). Returns the archive's SHA-256, hex.
     *
     * @throws IOException when the disk fails; the part file is then left, and the old archive stays as it was
     */
    public synchronized String complete() throws IOException {
        requireOpen();
        byte[] indexFile = index.toBytes();
        entry("index.json", indexFile.length, new ByteArrayInputStream(indexFile), null);
        TarArchiveOutputStream end = new TarArchiveOutputStream(CloseShieldOutputStream.wrap(out));
        end.finish();
        end.flush();
        channel.force(true);
        String sha256 = HexFormat.of().formatHex(out.getMessageDigest().digest());
        Path sums = archive.resolveSibling(archive.getFileName() + ".sha256");
        Path sumsPart = sums.resolveSibling(sums.getFileName() + ".part");
        Files.writeString(sumsPart, sha256 + "  " + archive.getFileName() + "\n", StandardCharsets.UTF_8);
        Files.deleteIfExists(sums);
        Files.move(part, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        completed = true;
        Files.move(sumsPart, sums, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        OciLayout.syncDirectory(archive.getParent());
        close();
        return sha256;
    }

    /** The size of the part file so far (or of the archive, once complete), in bytes. */
    public long size() throws IOException {
        return completed ? Files.size(archive) : channel.size();
    }

    /** True once {@link #complete} renamed the archive to its final name. */
    public boolean isComplete() {
        return completed;
    }

    /** The number of blobs (manifests included) written. */
    public int blobCount() {
        return blobs.size();
    }

    /** The part file being written, left behind by a run that does not complete. */
    public Path part() {
        return part;
    }

    private void requireOpen() {
        if (completed) {
            throw new IllegalStateException(archive + " is complete; an archive is written whole by one run");
        }
        if (!channel.isOpen()) {
            throw new IllegalStateException(archive + ": the run stopped writing it");
        }
        if (broken != null) {
            throw new IllegalStateException(broken + ": the archive cannot be completed");
        }
    }

    private static MessageDigest copy(MessageDigest digest) {
        try {
            return (MessageDigest) digest.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 cannot be copied on this JVM", e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Releases the lock; an archive not complete stays as its part file. */
    @Override
    public synchronized void close() throws IOException {
        if (channel.isOpen()) {
            try {
                channel.close();
            } finally {
                lock.release();
                lock.channel().close();
            }
        }
    }
}

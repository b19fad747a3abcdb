package dev.imagesyncer.layout;

import dev.imagesyncer.registry.Digest;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;
import org.apache.commons.io.input.BoundedInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * An OCI image layout archive ({@code oci-archive:FILE.tar}: a tar of the layout's files, as skopeo writes it) opened
 * to read. The tar's headers are read once, by random access (commons-compress), so that {@code index.json} may
 * come anywhere (skopeo puts it after the blobs); each blob is then streamed from its place in the file, and the
 * caller checks its digest. Never written.
 */
public final class ArchiveReader implements Layout {

    private final Path file;
    /** Each regular file of the tar: its name ({@code blobs/sha256/<hex>}) to its data's offset and size, in bytes. */
    private final Map<String, long[]> files;
    private final LayoutIndex index;

    private ArchiveReader(Path file, Map<String, long[]> files, LayoutIndex index) {
        this.file = file;
        this.files = files;
        this.index = index;
    }

    /**
     * Reads the archive's table of contents and its {@code index.json}.
     *
     * @throws NoSuchFileException when the file is not there
     * @throws IOException         when it is not a tar, or not one of an OCI image layout (no {@code oci-layout}
     *                             or {@code index.json}), or holds a sparse file
     */
    public static ArchiveReader open(Path file) throws IOException {
        Map<String, long[]> files = new HashMap<>();
        Map<String, String> links = new HashMap<>();
        try (TarFile tar = new TarFile(file)) {
            for (TarArchiveEntry entry : tar.getEntries()) {
                if (entry.isSparse()) {
                    throw new IOException(file + ": " + entry.getName() + " is a sparse file, which no OCI "
                            + "layout archive holds");
                }
                if (entry.isLink()) {
                    links.put(normalise(entry.getName()), normalise(entry.getLinkName()));
                } else if (entry.isFile() && !entry.isSymbolicLink()) {
                    files.put(normalise(entry.getName()), new long[] {entry.getDataOffset(), entry.getSize()});
                }
            }
            // a hard link is the file it links to (symbolic links and devices are not blobs: left out)
            links.forEach((name, target) -> {
                if (files.containsKey(target)) {
                    files.put(name, files.get(target));
                }
            });
        } catch (IOException e) {
            if (e instanceof NoSuchFileException) {
                throw e;
            }
            throw new IOException(file + " is not a readable tar archive: " + e.getMessage(), e);
        }
        if (!files.containsKey("oci-layout") || !files.containsKey("index.json")) {
            throw new IOException(file + " is not an OCI layout archive (it needs oci-layout and index.json)");
        }
        byte[] index;
        try (InputStream in = region(file, files.get("index.json")[0], files.get("index.json")[1])) {
            index = in.readAllBytes();
        }
        return new ArchiveReader(file, files, LayoutIndex.parse(index, file + ": index.json"));
    }

    /** {@code ./blobs/sha256/x} and {@code blobs/sha256/x} are one file. */
    private static String normalise(String name) {
        String path = name;
        while (path.startsWith("./")) {
            path = path.substring(2);
        }
        return path;
    }

    private static String blobName(Digest digest) {
        return "blobs/" + digest.algorithm() + "/" + digest.hex();
    }

    private InputStream open(String name) throws IOException {
        long[] place = files.get(name);
        if (place == null) {
            throw new NoSuchFileException(file + ": " + name, null, "not in the archive");
        }
        return region(file, place[0], place[1]);
    }

    /**
     * The {@code size} bytes of {@code file} from {@code offset} on (a file inside a tar), through a channel of
     * their own, so that blobs are read at once by several threads.
     */
    static InputStream region(Path file, long offset, long size) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            channel.position(offset);
            return BoundedInputStream.builder().setInputStream(Channels.newInputStream(channel))
                    .setMaxCount(size).get();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public String location() {
        return file.toString();
    }

    @Override
    public boolean exists() {
        return true;
    }

    @Override
    public boolean hasBlob(Digest digest) {
        return files.containsKey(blobName(digest));
    }

    @Override
    public InputStream openBlob(Digest digest) throws IOException {
        return open(blobName(digest));
    }

    /** @throws IllegalStateException always: an archive is read or written whole, never changed */
    @Override
    public long writeBlob(Digest digest, long size, dev.imagesyncer.registry.BlobSource source) {
        throw new IllegalStateException(file + " was opened to read");
    }

    @Override
    public LayoutIndex index() {
        return index;
    }

    /** @throws IllegalStateException always: an archive is read or written whole, never changed */
    @Override
    public void updateIndex(UnaryOperator<LayoutIndex> change) {
        throw new IllegalStateException(file + " was opened to read");
    }

    /** Nothing to release: each blob's stream has its own channel. */
    @Override
    public void close() {
    }
}

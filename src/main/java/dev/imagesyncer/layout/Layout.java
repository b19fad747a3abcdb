package dev.imagesyncer.layout;

import dev.imagesyncer.registry.BlobSource;
import dev.imagesyncer.registry.BlobStream;
import dev.imagesyncer.registry.Digest;
import dev.imagesyncer.registry.DigestMismatchException;
import dev.imagesyncer.registry.Manifest;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.UnaryOperator;

/**
 * An OCI image layout (OCI image-layout specification 1.0: {@code oci-layout}, {@code index.json},
 * {@code blobs/<algorithm>/<encoded>}) however it is kept: a directory ({@link OciLayout}), an archive being read
 * ({@link ArchiveReader}) or one being written ({@link ArchiveWriter}). {@link LayoutStore} makes any of them an
 * image store.
 */
public interface Layout extends Closeable {

    /** Where the layout is, for messages: its directory or archive file. */
    String location();

    /** True when the layout is there to be read (a directory or archive not made yet holds nothing). */
    boolean exists();

    /** True when the layout holds blob (or manifest) {@code digest}. */
    boolean hasBlob(Digest digest);

    /**
     * The bytes of blob {@code digest}, to stream; the caller checks them against the digest as it reads.
     *
     * @throws java.nio.file.NoSuchFileException when the layout lacks it
     */
    InputStream openBlob(Digest digest) throws IOException;

    /**
     * The whole of a small blob (a manifest, a config), checked against {@code digest}.
     *
     * @throws DigestMismatchException when the bytes do not match: the layout is damaged
     */
    default byte[] readBlob(Digest digest) throws IOException {
        byte[] bytes;
        try (InputStream in = openBlob(digest)) {
            bytes = in.readAllBytes();
        }
        if (!digest.matches(digest.newHasher().digest(bytes))) {
            throw new DigestMismatchException(location() + ": blob " + digest + " does not match its digest: the "
                    + "layout is damaged");
        }
        return bytes;
    }

    /**
     * Writes blob {@code digest} of {@code size} bytes (-1: not known) from {@code source}, streamed and checked
     * against the digest on the way, unless the layout has it. The source is opened only when the layout is ready
     * to take its bytes (an archive takes one blob at a time), and closed. Returns the bytes written (0 when it
     * was there).
     *
     * @throws DigestMismatchException when the bytes do not match {@code digest} or {@code size}; nothing of them is
     *                                 left in the layout
     * @throws IOException             when the disk fails
     * @throws IllegalStateException   when the layout was opened to read
     */
    long writeBlob(Digest digest, long size, BlobSource source) throws IOException;

    /** {@code bytes} as a blob source (a manifest, a config). */
    static BlobSource bytes(byte[] bytes) {
        return offset -> BlobStream.of(new ByteArrayInputStream(bytes, (int) offset, bytes.length - (int) offset),
                bytes.length - offset);
    }

    /** The layout's {@code index.json}; an empty index for a layout not made yet. */
    LayoutIndex index() throws IOException;

    /**
     * Replaces the index by {@code change} applied to it, atomically for readers and other writers of this layout.
     *
     * @throws IOException when the disk fails; the index is then as it was
     */
    void updateIndex(UnaryOperator<LayoutIndex> change) throws IOException;

    /**
     * Stores {@code manifest}: its blob, then its {@code index.json} entry named {@code refName} (null: untagged,
     * as referrers are). The caller has written everything it references first.
     */
    default void putManifest(Manifest manifest, String refName) throws IOException {
        writeBlob(manifest.digest(), manifest.bytes().length, bytes(manifest.bytes()));
        updateIndex(index -> index.with(manifest, refName));
    }
}

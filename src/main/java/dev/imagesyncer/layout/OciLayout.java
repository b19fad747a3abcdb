package dev.imagesyncer.layout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagesyncer.registry.Descriptor;
import dev.imagesyncer.registry.Digest;
import dev.imagesyncer.registry.DigestMismatchException;
import dev.imagesyncer.registry.Manifest;
import dev.imagesyncer.registry.MediaTypes;

import java.io.Closeable;
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
import java.util.Optional;
import java.util.UUID;

/**
 * An OCI image layout directory (OCI image-layout specification 1.0: the {@code oci-layout} file, {@code index.json},
 * {@code blobs/<algorithm>/<encoded>}) as a store of images, for mirrors carried across an air gap.
 *
 * <p>Tags are {@code index.json} entries annotated {@value #REF_NAME}; their value keeps the repository
 * ({@code team/app:1.0}) so that one layout holds a whole mirror. Writes are safe: a blob is written under a
 * temporary name in its directory, its digest checked, then renamed to its final name; {@code index.json} is
 * written to a temporary file and renamed over the old one (an atomic move); a writer holds an exclusive lock on
 * {@code .lock}, so that two runs never write one layout at once. A process killed in the middle of a write
 * leaves at most a temporary file, never a partial blob or index under its final name.
 */
public final class OciLayout implements Closeable {

    /** The annotation of an {@code index.json} entry that names it (OCI image-spec annotations.md). */
    public static final String REF_NAME = "org.opencontainers.image.ref.name";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LAYOUT_FILE = "{\"imageLayoutVersion\":\"1.0.0\"}";
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
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException sameProcess) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new IOException(root + ": another run is writing this layout (its .lock is taken)");
        }
        OciLayout layout = new OciLayout(root, channel, lock);
        if (!Files.exists(root.resolve("oci-layout"))) {
            layout.replace(root.resolve("oci-layout"), LAYOUT_FILE.getBytes());
        }
        if (!Files.exists(root.resolve("index.json"))) {
            ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2)
                    .put("mediaType", MediaTypes.OCI_INDEX);
            index.putArray("manifests");
            layout.replace(root.resolve("index.json"), JSON.writeValueAsBytes(index));
        }
        return layout;
    }

    /** The directory of the layout. */
    public Path root() {
        return root;
    }

    /** Where blob {@code digest} lives. */
    Path blobPath(Digest digest) {
        return root.resolve("blobs").resolve(digest.algorithm()).resolve(digest.hex());
    }

    /** True when the layout holds blob (or manifest) {@code digest}. */
    public boolean hasBlob(Digest digest) {
        return Files.isRegularFile(blobPath(digest));
    }

    /**
     * The bytes of blob {@code digest}, to stream; the caller checks them against the digest as it reads.
     *
     * @throws NoSuchFileException when the layout lacks it
     */
    public InputStream openBlob(Digest digest) throws IOException {
        return Files.newInputStream(blobPath(digest));
    }

    /** The whole of a small blob (a manifest, a config), checked against {@code digest}. */
    public byte[] readBlob(Digest digest) throws IOException {
        byte[] bytes = Files.readAllBytes(blobPath(digest));
        if (!digest.matches(digest.newHasher().digest(bytes))) {
            throw new DigestMismatchException(blobPath(digest) + " does not match its digest " + digest
                    + ": the layout is damaged");
        }
        return bytes;
    }

    /**
     * Writes blob {@code digest} from {@code bytes} (streamed, hashed on the way) unless the layout has it: to a
     * temporary name, then, once the digest checks out, renamed to its final name. Returns the bytes written (0
     * when it was there).
     *
     * @throws DigestMismatchException when the bytes do not match {@code digest} (nothing is left behind)
     * @throws IOException             when the disk fails (the temporary file is removed)
     */
    public long writeBlob(Digest digest, InputStream bytes) throws IOException {
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
            try (OutputStream out = Files.newOutputStream(partial, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                byte[] buffer = new byte[256 * 1024];
                for (int n; (n = bytes.read(buffer)) > 0; ) {
                    hasher.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                    written += n;
                }
            }
            byte[] hash = hasher.digest();
            if (!digest.matches(hash)) {
                throw new DigestMismatchException("blob " + digest + ": the bytes read hash to " + digest.algorithm()
                        + ":" + HexFormat.of().formatHex(hash) + "; not written to the layout");
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
        List<Descriptor> entries = new ArrayList<>();
        for (JsonNode entry : manifests(index())) {
            entries.add(descriptor(entry));
        }
        return entries;
    }

    /** The ref names of {@code index.json} ({@value #REF_NAME}), in its order; untagged entries left out. */
    public List<String> refNames() throws IOException {
        List<String> names = new ArrayList<>();
        for (JsonNode entry : manifests(index())) {
            String name = entry.path("annotations").path(REF_NAME).asText("");
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return names;
    }

    /** The manifest named {@code refName} in {@code index.json}, when there is one. */
    public Optional<Descriptor> find(String refName) throws IOException {
        for (JsonNode entry : manifests(index())) {
            if (refName.equals(entry.path("annotations").path(REF_NAME).asText(null))) {
                return Optional.of(descriptor(entry));
            }
        }
        return Optional.empty();
    }

    /**
     * Stores {@code manifest} (its blob, then its {@code index.json} entry named {@code refName}, replacing an
     * entry of that name; null for an untagged entry, such as a referrer's, added once). The caller has written
     * everything it references first.
     *
     * @throws IOException when the disk fails; {@code index.json} is then as it was
     */
    public synchronized void putManifest(Manifest manifest, String refName) throws IOException {
        requireWriter();
        writeBlob(manifest.digest(), new java.io.ByteArrayInputStream(manifest.bytes()));
        ObjectNode index = index();
        ArrayNode kept = JSON.createArrayNode();
        boolean present = false;
        for (JsonNode entry : manifests(index)) {
            String name = entry.path("annotations").path(REF_NAME).asText(null);
            boolean sameName = refName != null && refName.equals(name);
            present |= refName == null && name == null
                    && manifest.digest().toString().equals(entry.path("digest").asText());
            if (!sameName) {
                kept.add(entry);
            }
        }
        if (!present) {
            ObjectNode entry = kept.addObject().put("mediaType", manifest.mediaType())
                    .put("digest", manifest.digest().toString()).put("size", manifest.bytes().length);
            if (refName != null) {
                entry.putObject("annotations").put(REF_NAME, refName);
            }
        }
        index.set("manifests", kept);
        replace(root.resolve("index.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(index));
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

    private ObjectNode index() throws IOException {
        if (!exists()) {
            ObjectNode none = JSON.createObjectNode();
            none.putArray("manifests");
            return none;
        }
        JsonNode index = JSON.readTree(root.resolve("index.json").toFile());
        if (!(index instanceof ObjectNode object) || !index.path("manifests").isArray()) {
            throw new IOException(root.resolve("index.json") + " is not an OCI image index");
        }
        return object;
    }

    private static Iterable<JsonNode> manifests(ObjectNode index) {
        return index.path("manifests");
    }

    private static Descriptor descriptor(JsonNode entry) {
        return Descriptor.of(entry.path("mediaType").asText(), Digest.parse(entry.path("digest").asText()),
                entry.path("size").asLong(-1));
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
    private static void syncDirectory(Path directory) {
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

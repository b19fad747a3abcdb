package dev.imagesyncer.registry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/**
 * Remembers, on disk, how far each chunked upload got: the session's URL and the bytes the registry confirmed.
 * A run that dies (kill -9, a power cut) leaves its entries behind, and the next run that pushes the same blob
 * into the same repository carries on in that session instead of sending the blob again from the start. An
 * entry is dropped when its blob is committed or its session cancelled. Holds no credential.
 */
public final class UploadJournal {

    /** Remembers nothing. */
    public static final UploadJournal NONE = new UploadJournal(null);

    private static final Logger LOG = LoggerFactory.getLogger(UploadJournal.class);

    /** Where an upload stood: the session URL, the bytes confirmed there, and the chunk size it was sent in. */
    public record Entry(String location, long offset, long chunkSize) {
    }

    private final Path directory;

    /** A journal in {@code directory} (created when first written to); null for {@link #NONE}. */
    public UploadJournal(Path directory) {
        this.directory = directory;
    }

    public Optional<Entry> find(Repository target, Digest blob) {
        if (directory == null) {
            return Optional.empty();
        }
        Path file = fileOf(target, blob);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Properties entry = new Properties();
            entry.load(in);
            return Optional.of(new Entry(entry.getProperty("location"), Long.parseLong(entry.getProperty("offset")),
                    Long.parseLong(entry.getProperty("chunkSize"))));
        } catch (IOException | RuntimeException unreadable) {
            LOG.debug("ignoring an unreadable upload journal entry {}: {}", file, unreadable.getMessage());
            forget(target, blob);
            return Optional.empty();
        }
    }

    /** Records that the registry holds the first {@code offset} bytes of {@code blob} in the session at {@code location}. */
    public void record(Repository target, Digest blob, Entry entry) {
        if (directory == null) {
            return;
        }
        Properties properties = new Properties();
        properties.setProperty("location", entry.location());
        properties.setProperty("offset", Long.toString(entry.offset()));
        properties.setProperty("chunkSize", Long.toString(entry.chunkSize()));
        Path file = fileOf(target, blob);
        try {
            Files.createDirectories(directory);
            Path written = Files.createTempFile(directory, file.getFileName().toString(), ".tmp");
            try (Writer out = Files.newBufferedWriter(written, StandardCharsets.UTF_8)) {
                properties.store(out, target + "@" + blob);
            }
            try {
                Files.move(written, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(written, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            // the upload goes on; only a later run's head start is lost
            LOG.warn("cannot write the upload journal in {}: {}", directory, e.getMessage());
        }
    }

    public void forget(Repository target, Digest blob) {
        if (directory == null) {
            return;
        }
        try {
            Files.deleteIfExists(fileOf(target, blob));
        } catch (IOException e) {
            LOG.warn("cannot remove an entry of the upload journal in {}: {}", directory, e.getMessage());
        }
    }

    private Path fileOf(Repository target, Digest blob) {
        return directory.resolve(Digest.sha256((target + "@" + blob).getBytes(StandardCharsets.UTF_8)).hex()
                + ".upload");
    }
}

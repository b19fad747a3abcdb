package dev.imagesyncer.registry;

import dev.imagesyncer.registry.auth.Scope;
import dev.imagesyncer.registry.http.RegistryErrors;
import dev.imagesyncer.registry.http.RegistryRequest;
import dev.imagesyncer.registry.http.RegistryResponse;
import dev.imagesyncer.registry.http.RegistryTransport;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Pushes one blob: a cross-repository mount when a source repository in the same registry is known, otherwise
 * an upload session (POST) that receives the content and is closed by {@code PUT ?digest=}.
 *
 * <p>The content is hashed while it streams, and the last {@value #TAIL_BYTES} bytes travel in the closing PUT
 * only after the digest checked out. Everything before them goes in one streamed PATCH (or in
 * {@code Content-Range} chunks above the chunked-upload threshold), so when the content turns out wrong the
 * session is still in a state the registry lets us cancel with DELETE: a registry (distribution 2.8 among
 * them) refuses to cancel a session whose PUT was cut off mid-body. A blob no larger than the tail is one PUT.
 *
 * <p>When the run is asked to stop, a chunked upload stops after the chunk in flight, at a byte the registry
 * confirmed, and leaves its session in the journal for the next run ({@link TransferStoppedException}); an upload
 * that is not chunked runs to its end. A registry built on distribution keeps the part of a PATCH cut off
 * mid-body while its session still says the last confirmed offset, so only a chunk boundary is a safe place to
 * stop on every registry.
 */
final class BlobUploader {

    private static final Logger LOG = LoggerFactory.getLogger(BlobUploader.class);
    static final int TAIL_BYTES = 256 * 1024;
    private static final ByteArrayEntity EMPTY = new ByteArrayEntity(new byte[0], null);

    private final RegistryTransport transport;
    private final RegistryClientSettings settings;
    private final ResumePolicy retry;
    private final UploadJournal journal;
    private final BooleanSupplier stopRequested;

    BlobUploader(RegistryTransport transport, RegistryClientSettings settings, ResumePolicy retry,
                 UploadJournal journal, BooleanSupplier stopRequested) {
        this.transport = transport;
        this.settings = settings;
        this.retry = retry;
        this.journal = journal;
        this.stopRequested = stopRequested;
    }

    BlobPushResult push(Repository target, Descriptor blob, BlobSource source, Repository mountFrom) {
        String operation = "push blob " + blob.digest() + " to " + target;
        if (mountFrom == null || !mountFrom.registry().equals(target.registry())) {
            Optional<BlobPushResult> resumed = carryOnEarlierUpload(target, blob, source, operation);
            if (resumed.isPresent()) {
                return resumed.get();
            }
        }
        RegistryResponse started = startUpload(target, blob, mountFrom, operation);
        if (started.status() == 201) {
            started.close();
            return new BlobPushResult(true, 0);
        }
        UploadSession session;
        try (started) {
            session = new UploadSession(target, blob.digest(), operation, location(started, operation),
                    minChunkLength(started));
        }
        return new BlobPushResult(false, session.upload(blob, source, 0, 0));
    }

    /**
     * Carries on the upload of {@code blob} that an earlier run left in the journal, from the bytes its session
     * holds: those the journal says were confirmed, or more when the registry reports more (the rest of a chunk
     * that reached it as the earlier run died). Empty when there is none, or when the session is gone or holds
     * nothing that can be carried on (said in one line: the blob starts over).
     */
    private Optional<BlobPushResult> carryOnEarlierUpload(Repository target, Descriptor blob, BlobSource source,
                                                          String operation) {
        Optional<UploadJournal.Entry> earlier = journal.find(target, blob.digest());
        if (earlier.isEmpty()) {
            return Optional.empty();
        }
        long offset = earlier.get().offset();
        UploadSession session = new UploadSession(target, blob.digest(), operation, earlier.get().location(), 0);
        long held = session.heldBytes();
        long body = blob.size() - Math.min(blob.size(), TAIL_BYTES);
        if (held < offset || held > body) {
            journal.forget(target, blob.digest());
            LOG.warn("{}: the registry did not carry on the upload an earlier run left at byte {} ({}): sending the "
                    + "blob from the start", operation, offset, held < 0 ? "it answers " + session.statusProblem
                    + " for its session" : "its session holds " + held + " bytes");
            return Optional.empty();
        }
        LOG.info("{}: carrying on the upload an earlier run left at byte {}{}", operation, offset,
                held > offset ? ", from byte " + held + ", which the registry holds" : "");
        return Optional.of(new BlobPushResult(false, session.upload(blob, source, held, earlier.get().chunkSize())));
    }

    /**
     * Starts the upload, with a cross-repository mount when there is a repository to mount from: its 201 means
     * done (returned as is), its 202 a normal session. Any other answer to the mount falls back to a plain POST.
     */
    private RegistryResponse startUpload(Repository target, Descriptor blob, Repository mountFrom, String operation) {
        String uploads = "/v2/" + target.path() + "/blobs/uploads/";
        if (mountFrom != null && mountFrom.registry().equals(target.registry())) {
            RegistryResponse mount = tryMount(target, blob, mountFrom, operation);
            if (mount != null) {
                return mount;
            }
        }
        RegistryResponse started = transport.send(RegistryRequest.of("POST", target, uploads,
                Set.of(Scope.push(target.path())), operation).withBody(EMPTY));
        if (started.status() != 202) {
            throw RegistryErrors.fromResponse(operation, started);
        }
        return started;
    }

    /** The mount's answer when it mounted (201) or opened a session (202); null when refused in any way. */
    private RegistryResponse tryMount(Repository target, Descriptor blob, Repository from, String operation) {
        RegistryResponse mount;
        try {
            mount = transport.send(RegistryRequest.of("POST", target, "/v2/" + target.path() + "/blobs/uploads/?mount="
                            + encode(blob.digest().toString()) + "&from=" + encode(from.path()),
                    Set.of(Scope.push(target.path()), Scope.pull(from.path())), operation).withBody(EMPTY));
        } catch (PermanentRegistryException refused) {
            LOG.debug("{}: mount from {} refused ({}), uploading", operation, from, refused.getMessage());
            return null;
        }
        if (mount.status() == 201 || mount.status() == 202 && mount.header("Location").isPresent()) {
            return mount;
        }
        LOG.debug("{}: mount from {} refused (HTTP {}), uploading", operation, from, mount.status());
        mount.close();
        return null;
    }

    /** One upload session; {@code location} moves on with every answer, as the protocol requires. */
    private final class UploadSession {
        private final Repository target;
        private final Digest digest;
        private final String operation;
        private final long minChunk;
        private final Set<Scope> pushScope;
        private String location;
        /** Why the last status of the session was unknown: an HTTP status and error code, or "no answer". */
        private String statusProblem = "";

        UploadSession(Repository target, Digest digest, String operation, String location, long minChunk) {
            this.target = target;
            this.digest = digest;
            this.operation = operation;
            this.location = location;
            this.minChunk = minChunk;
            this.pushScope = Set.of(Scope.push(target.path()));
        }

        /**
         * Sends {@code blob} from byte {@code from} on (0, or what an earlier run left in this session, read again
         * from the source and hashed without sending) and commits it; returns the bytes sent. {@code chunkSize}
         * keeps an earlier run's chunks (0: from the settings). A failure cancels the session; a stop
         * ({@link TransferStoppedException}) leaves it journaled.
         */
        long upload(Descriptor blob, BlobSource source, long from, long chunkSize) {
            try {
                Download download = new Download(source, blob, operation);
                boolean complete = false;
                try {
                    download.hashAhead(from);
                    long sent = send(download, from, chunkSize);
                    complete = true;
                    return sent;
                } finally {
                    download.release(complete);
                }
            } catch (IOException e) {
                cancel();
                throw RegistryErrors.fromIo(operation, e);
            } catch (TransferStoppedException stopped) {
                throw stopped;
            } catch (RuntimeException e) {
                cancel();
                throw e;
            }
        }

        /**
         * Sends all but the tail in PATCH requests, then commits with the tail. A failed PATCH is resumed in this
         * session when the registry still holds exactly the bytes it confirmed: the download starts again from
         * there (with {@code Range}) and the digest carries on from its checkpoint. Once the run is asked to
         * stop, a chunked upload stops after the chunk in flight, its session journaled.
         */
        private long send(Download download, long from, long chunkSize) throws IOException {
            long size = download.size();
            long body = size - Math.min(size, TAIL_BYTES);
            boolean chunked = from > 0 || body > settings.chunkedUploadThreshold();
            long chunk = chunkSize > 0 ? chunkSize : chunked ? Math.max(settings.chunkSize(), minChunk) : body;
            for (long offset = from; offset < body; offset += chunk) {
                long start = offset;
                long length = Math.min(chunk, body - offset);
                retry.run(() -> patch(download.content(), start, length, chunked),
                        failure -> resumeAt(start, download, failure));
                download.confirm();
                if (chunked) {
                    journal.record(target, digest, new UploadJournal.Entry(location, start + length, chunk));
                    if (stopRequested.getAsBoolean()) {
                        throw stoppedAt(start + length, size, "");
                    }
                }
            }
            retry.run(() -> commit(download.content(), size - body), failure -> resumeAt(body, download, failure));
            journal.forget(target, digest);
            return size - from;
        }

        /**
         * Readies a retry of the PATCH (or the closing PUT) from {@code offset}, or rethrows {@code failure} so that
         * the blob starts over in a new session: at offset 0 (that costs one POST), when the session's status is
         * unknown or differs, or when the download cannot be opened again there. Once the run is asked to stop, a
         * session that holds exactly {@code offset} bytes is left journaled instead
         * ({@link TransferStoppedException}).
         */
        private void resumeAt(long offset, Download download, RegistryException failure) {
            if (offset == 0 || heldBytes() != offset) {
                throw failure;
            }
            if (stopRequested.getAsBoolean()) {
                throw stoppedAt(offset, download.size(), " after " + failure.getMessage());
            }
            try {
                download.rewind();
            } catch (RegistryException cannotReopen) {
                LOG.debug("{}: cannot read on from byte {} ({}), starting over", operation, offset,
                        cannotReopen.getMessage());
                throw failure;
            }
            LOG.debug("{}: resuming the upload at byte {}", operation, offset);
        }

        /** The stop of this upload at {@code offset} of {@code size} bytes, journaled there; {@code why} may add why. */
        private TransferStoppedException stoppedAt(long offset, long size, String why) {
            return new TransferStoppedException(operation + ": stopped at byte " + offset + " of " + size + why
                    + "; the next run carries the upload on from there", offset);
        }

        /**
         * How many bytes the session holds, from its status ({@code GET} the session: 204 and
         * {@code Range: 0-N}, OCI distribution spec "Pushing a blob in chunks"), and the session's URL from then on
         * (its answer's {@code Location}, which carries that offset); 0 when the status does not say ({@code 0-0}
         * is 0 or 1 byte to distribution), -1 when the session is gone or its status unknown.
         */
        long heldBytes() {
            try (RegistryResponse status = transport.send(RegistryRequest.of("GET", target, location, pushScope,
                    "status of " + operation))) {
                if (status.status() != 204) {
                    throw RegistryErrors.fromResponse("status of " + operation, status);
                }
                location = location(status, operation);
                String range = status.header("Range").orElse("0-0");
                long last = Long.parseLong(range.substring(range.indexOf('-') + 1).trim());
                LOG.debug("{}: the registry holds bytes 0-{}", operation, last);
                return last == 0 ? 0 : last + 1;
            } catch (RegistryException unknown) {
                statusProblem = unknown.status() == 0 ? "no answer" : "HTTP " + unknown.status() + " " + unknown.code();
                LOG.debug("{}: upload status unknown ({})", operation, unknown.getMessage());
                return -1;
            } catch (NumberFormatException unreadable) {
                statusProblem = "an unreadable Range";
                return -1;
            }
        }

        private Void patch(VerifyingInputStream content, long offset, long length, boolean withRange) {
            RegistryRequest request = RegistryRequest.of("PATCH", target, location, pushScope, operation)
                    .withBody(new BlobChunkEntity(content, length, false));
            if (withRange) {
                request = request.withHeader("Content-Range", offset + "-" + (offset + length - 1));
            }
            RegistryResponse patched = transport.send(request);
            if (patched.status() != 202) {
                throw refusedContent(patched);
            }
            try (patched) {
                location = location(patched, operation);
            }
            return null;
        }

        private Void commit(VerifyingInputStream content, long tail) {
            String separator = location.contains("?") ? "&" : "?";
            RegistryResponse committed = transport.send(RegistryRequest.of("PUT", target,
                            location + separator + "digest=" + encode(digest.toString()), pushScope, operation)
                    .withBody(new BlobChunkEntity(content, tail, true)));
            if (committed.status() != 201) {
                throw refusedContent(committed);
            }
            try (committed) {
                String stored = committed.header("Docker-Content-Digest").orElse(digest.toString());
                if (!stored.equals(digest.toString())) {
                    throw new DigestMismatchException(operation + ": the registry stored " + stored);
                }
            }
            return null;
        }

        /**
         * The error for a refused PATCH or commit. A registry that holds other bytes than were sent (a range it
         * cannot satisfy, a digest or size that does not add up) is told apart: a fresh session may succeed.
         */
        private RegistryException refusedContent(RegistryResponse response) {
            RegistryException error = RegistryErrors.fromResponse(operation, response);
            boolean sessionOutOfStep = error.status() == 416 || error.status() == 400
                    && (error.code() == ErrorCode.DIGEST_INVALID || error.code() == ErrorCode.BLOB_UPLOAD_INVALID
                    || error.code() == ErrorCode.SIZE_INVALID);
            return sessionOutOfStep
                    ? new DigestMismatchException(operation + ": the registry holds other bytes than were sent ("
                    + error.getMessage() + ")")
                    : error;
        }

        /**
         * Cancels the session so the registry drops what it received; failing to cancel is not an error. A
         * session the registry could not be reached to cancel (it is down) stays in the journal: the next run
         * asks it what it holds.
         */
        void cancel() {
            try (RegistryResponse cancelled = transport.send(RegistryRequest.of("DELETE", target, location,
                    pushScope, "cancel " + operation))) {
                LOG.debug("{}: upload cancelled (HTTP {})", operation, cancelled.status());
                journal.forget(target, digest);
            } catch (RegistryException e) {
                LOG.debug("{}: cancelling the upload failed: {}", operation, e.getMessage());
                if (e.status() != 0) {
                    journal.forget(target, digest);
                }
            }
        }
    }

    /**
     * The source side of one upload: the download, the digest computed as it streams, and a checkpoint of that
     * digest at the last byte the registry confirmed, from which a broken download is opened again.
     */
    private static final class Download {
        private final BlobSource source;
        private final Descriptor expected;
        private final String operation;
        private BlobStream stream;
        private VerifyingInputStream content;
        private VerifyingInputStream.Checkpoint confirmed;

        Download(BlobSource source, Descriptor blob, String operation) {
            this.source = source;
            this.operation = operation;
            this.stream = source.open(0);
            try {
                long size = blob.size() >= 0 ? blob.size() : stream.length();
                if (size < 0) {
                    throw new PermanentRegistryException(operation + ": blob size unknown", 0, ErrorCode.SIZE_INVALID);
                }
                this.expected = new Descriptor(blob.mediaType(), blob.digest(), size, null, null);
                requireLength(0);
            } catch (RuntimeException e) {
                stream.abort();
                throw e;
            }
            this.content = new VerifyingInputStream(stream.content(), expected, operation);
            this.confirmed = content.checkpoint();
        }

        long size() {
            return expected.size();
        }

        VerifyingInputStream content() {
            return content;
        }

        /** The registry holds everything read so far. */
        void confirm() {
            confirmed = content.checkpoint();
        }

        /** Reads and hashes the first {@code offset} bytes without sending them: what the registry already holds. */
        void hashAhead(long offset) throws IOException {
            byte[] buffer = new byte[64 * 1024];
            for (long left = offset; left > 0; ) {
                int n = (int) Math.min(buffer.length, left);
                content.readExactly(buffer, n);
                left -= n;
            }
            confirm();
        }

        /** Drops the current download and reads on from the last confirmed byte. */
        void rewind() {
            stream.abort();
            long offset = confirmed.count();
            stream = source.open(offset);
            requireLength(offset);
            content = new VerifyingInputStream(stream.content(), expected, operation, confirmed);
        }

        /** A download from {@code offset} that announces a length must announce what remains of the blob. */
        private void requireLength(long offset) {
            long remaining = expected.size() - offset;
            if (stream.length() >= 0 && stream.length() != remaining) {
                throw new DigestMismatchException(operation + ": the source serves " + stream.length() + " bytes"
                        + (offset > 0 ? " from byte " + offset : "") + ", " + remaining + " announced");
            }
        }

        /** A blob that reached the registry stays a success even if releasing its download fails. */
        void release(boolean complete) {
            if (!complete) {
                stream.abort();
                return;
            }
            try {
                stream.close();
            } catch (IOException e) {
                LOG.debug("releasing a finished download failed: {}", e.getMessage());
            }
        }
    }

    /** The registry's {@code OCI-Chunk-Min-Length}; an unreadable value is ignored rather than fatal. */
    private static long minChunkLength(RegistryResponse response) {
        try {
            return response.header("OCI-Chunk-Min-Length").map(String::trim).map(Long::parseLong).orElse(0L);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The session URL to continue with, resolved against the URL that handed it out; used exactly as given. */
    private static String location(RegistryResponse response, String operation) {
        String location = response.header("Location").orElseThrow(() -> new PermanentRegistryException(
                operation + ": the registry gave no upload Location", response.status(), ErrorCode.BLOB_UPLOAD_INVALID));
        try {
            return response.uri().resolve(location).toString();
        } catch (IllegalArgumentException e) {
            throw new PermanentRegistryException(operation + ": the registry gave an invalid upload Location",
                    response.status(), ErrorCode.BLOB_UPLOAD_INVALID);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}

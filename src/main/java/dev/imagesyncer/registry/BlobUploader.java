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
import java.util.Set;

/**
 * Pushes one blob: a cross-repository mount when a source repository in the same registry is known, otherwise
 * an upload session (POST) that receives the content and is closed by {@code PUT ?digest=}.
 *
 * <p>The content is hashed while it streams, and the last {@value #TAIL_BYTES} bytes travel in the closing PUT
 * only after the digest checked out. Everything before them goes in one streamed PATCH (or in
 * {@code Content-Range} chunks above the chunked-upload threshold), so when the content turns out wrong the
 * session is still in a state the registry lets us cancel with DELETE: a registry (distribution 2.8 among
 * them) refuses to cancel a session whose PUT was cut off mid-body. A blob no larger than the tail is one PUT.
 */
final class BlobUploader {

    private static final Logger LOG = LoggerFactory.getLogger(BlobUploader.class);
    static final int TAIL_BYTES = 256 * 1024;
    private static final ByteArrayEntity EMPTY = new ByteArrayEntity(new byte[0], null);

    private final RegistryTransport transport;
    private final RegistryClientSettings settings;

    BlobUploader(RegistryTransport transport, RegistryClientSettings settings) {
        this.transport = transport;
        this.settings = settings;
    }

    BlobPushResult push(Repository target, Descriptor blob, BlobSource source, Repository mountFrom) {
        String operation = "push blob " + blob.digest() + " to " + target;
        RegistryResponse started = startUpload(target, blob, mountFrom, operation);
        if (started.status() == 201) {
            started.close();
            return new BlobPushResult(true, 0);
        }
        UploadSession session;
        try (started) {
            session = new UploadSession(target, operation, location(started, operation), minChunkLength(started));
        }
        try {
            return new BlobPushResult(false, session.upload(blob, source));
        } catch (RuntimeException e) {
            session.cancel();
            throw e;
        }
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
        private final String operation;
        private final long minChunk;
        private final Set<Scope> pushScope;
        private String location;

        UploadSession(Repository target, String operation, String location, long minChunk) {
            this.target = target;
            this.operation = operation;
            this.location = location;
            this.minChunk = minChunk;
            this.pushScope = Set.of(Scope.push(target.path()));
        }

        long upload(Descriptor blob, BlobSource source) {
            BlobStream stream = source.open();
            boolean complete = false;
            try {
                long size = send(blob, stream);
                complete = true;
                return size;
            } catch (IOException e) {
                throw RegistryErrors.fromIo(operation, e);
            } finally {
                if (complete) {
                    closeQuietly(stream);
                } else {
                    stream.abort();
                }
            }
        }

        private long send(Descriptor blob, BlobStream stream) throws IOException {
            long size = blob.size() >= 0 ? blob.size() : stream.length();
            if (size < 0) {
                throw new PermanentRegistryException(operation + ": blob size unknown", 0, ErrorCode.SIZE_INVALID);
            }
            if (blob.size() >= 0 && stream.length() >= 0 && stream.length() != blob.size()) {
                throw new DigestMismatchException(operation + ": the source serves " + stream.length()
                        + " bytes, " + blob.size() + " announced");
            }
            Descriptor expected = new Descriptor(blob.mediaType(), blob.digest(), size, null, null);
            VerifyingInputStream content = new VerifyingInputStream(stream.content(), expected, operation);
            long body = size - Math.min(size, TAIL_BYTES);
            boolean chunked = body > settings.chunkedUploadThreshold();
            long chunk = chunked ? Math.max(settings.chunkSize(), minChunk) : body;
            for (long offset = 0; offset < body; offset += chunk) {
                patch(content, offset, Math.min(chunk, body - offset), chunked);
            }
            commit(content, blob.digest(), size - body);
            return size;
        }

        private void patch(VerifyingInputStream content, long offset, long length, boolean withRange) {
            RegistryRequest request = RegistryRequest.of("PATCH", target, location, pushScope, operation)
                    .withBody(new BlobChunkEntity(content, length, false));
            if (withRange) {
                request = request.withHeader("Content-Range", offset + "-" + (offset + length - 1));
            }
            RegistryResponse patched = transport.send(request);
            if (patched.status() != 202) {
                throw RegistryErrors.fromResponse(operation, patched);
            }
            try (patched) {
                location = location(patched, operation);
            }
        }

        private void commit(VerifyingInputStream content, Digest digest, long tail) {
            String separator = location.contains("?") ? "&" : "?";
            RegistryResponse committed = transport.send(RegistryRequest.of("PUT", target,
                            location + separator + "digest=" + encode(digest.toString()), pushScope, operation)
                    .withBody(new BlobChunkEntity(content, tail, true)));
            if (committed.status() != 201) {
                throw RegistryErrors.fromResponse(operation, committed);
            }
            try (committed) {
                String stored = committed.header("Docker-Content-Digest").orElse(digest.toString());
                if (!stored.equals(digest.toString())) {
                    throw new DigestMismatchException(operation + ": the registry stored " + stored);
                }
            }
        }

        /** Cancels the session so the registry drops what it received; failing to cancel is not an error. */
        void cancel() {
            try (RegistryResponse cancelled = transport.send(RegistryRequest.of("DELETE", target, location,
                    pushScope, "cancel " + operation))) {
                LOG.debug("{}: upload cancelled (HTTP {})", operation, cancelled.status());
            } catch (RegistryException e) {
                LOG.debug("{}: cancelling the upload failed: {}", operation, e.getMessage());
            }
        }
    }

    /** A blob that reached the registry stays a success even if releasing its download fails. */
    private static void closeQuietly(BlobStream stream) {
        try {
            stream.close();
        } catch (IOException e) {
            LOG.debug("releasing a finished download failed: {}", e.getMessage());
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

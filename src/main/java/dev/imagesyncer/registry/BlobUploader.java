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
 * an upload session (POST) filled by a monolithic PUT, or by PATCH chunks for large blobs. The content is
 * verified while it streams; on any failure the session is cancelled with DELETE.
 */
final class BlobUploader {

    private static final Logger LOG = LoggerFactory.getLogger(BlobUploader.class);

    private static final ByteArrayEntity EMPTY = new ByteArrayEntity(new byte[0], null);

    private final RegistryTransport transport;
    private final RegistryClientSettings settings;

    BlobUploader(RegistryTransport transport, RegistryClientSettings settings) {
        this.transport = transport;
        this.settings = settings;
    }

    BlobPushResult push(Repository target, Descriptor blob, BlobSource source, Repository mountFrom) {
        String operation = "push blob " + blob.digest() + " to " + target;
        Set<Scope> pushScope = Set.of(Scope.push(target.path()));
        String uploads = "/v2/" + target.path() + "/blobs/uploads/";
        RegistryResponse session = mountFrom != null && mountFrom.registry().equals(target.registry())
                ? tryMount(target, blob, mountFrom, operation)
                : null;
        if (session != null && session.status() == 201) {
            session.close();
            return new BlobPushResult(true, 0);
        }
        if (session == null) {
            session = transport.send(RegistryRequest.of("POST", target, uploads, pushScope, operation).withBody(EMPTY));
            if (session.status() != 202) {
                throw RegistryErrors.fromResponse(operation, session);
            }
        }
        String location;
        long minChunk;
        try (RegistryResponse started = session) {
            location = location(started, operation);
            minChunk = started.header("OCI-Chunk-Min-Length").map(Long::parseLong).orElse(0L);
        }
        try {
            return new BlobPushResult(false, upload(target, blob, source, location, minChunk, operation));
        } catch (RuntimeException e) {
            cancel(target, location, operation);
            throw e;
        }
    }

    /**
     * Asks for a cross-repository mount: 201 means done, 202 means the registry started a normal upload session
     * instead (continued by the caller). Any other answer returns null: the caller starts a plain upload.
     */
    private RegistryResponse tryMount(Repository target, Descriptor blob, Repository from, String operation) {
        RegistryResponse mount = transport.send(RegistryRequest.of("POST", target, "/v2/" + target.path()
                        + "/blobs/uploads/?mount=" + encode(blob.digest().toString()) + "&from=" + encode(from.path()),
                Set.of(Scope.push(target.path()), Scope.pull(from.path())), operation).withBody(EMPTY));
        if (mount.status() == 201 || mount.status() == 202 && mount.header("Location").isPresent()) {
            return mount;
        }
        LOG.debug("{}: mount from {} refused (HTTP {}), uploading", operation, from, mount.status());
        mount.close();
        return null;
    }

    private long upload(Repository target, Descriptor blob, BlobSource source, String location, long minChunk,
                        String operation) {
        Set<Scope> pushScope = Set.of(Scope.push(target.path()));
        try (BlobStream stream = source.open()) {
            long size = blob.size() >= 0 ? blob.size() : stream.length();
            if (size < 0) {
                throw new PermanentRegistryException(operation + ": blob size unknown", 0, ErrorCode.SIZE_INVALID);
            }
            if (blob.size() >= 0 && stream.length() >= 0 && stream.length() != blob.size()) {
                throw new DigestMismatchException(operation + ": the source serves " + stream.length()
                        + " bytes, " + blob.size() + " announced");
            }
            Descriptor expected = new Descriptor(blob.mediaType(), blob.digest(), size, null, null);
            VerifyingInputStream verifying = new VerifyingInputStream(stream.content(), expected, operation);
            long chunk = size > settings.chunkedUploadThreshold() ? Math.max(settings.chunkSize(), minChunk) : size;
            long offset = 0;
            while (size - offset > chunk) {
                RegistryResponse patched = transport.send(RegistryRequest.of("PATCH", target, location, pushScope,
                                operation)
                        .withHeader("Content-Range", offset + "-" + (offset + chunk - 1))
                        .withBody(new BlobChunkEntity(verifying, chunk, false)));
                if (patched.status() != 202) {
                    throw RegistryErrors.fromResponse(operation, patched);
                }
                try (patched) {
                    location = location(patched, operation);
                }
                offset += chunk;
            }
            String separator = location.contains("?") ? "&" : "?";
            RegistryResponse committed = transport.send(RegistryRequest.of("PUT", target,
                            location + separator + "digest=" + encode(blob.digest().toString()), pushScope, operation)
                    .withBody(new BlobChunkEntity(verifying, size - offset, true)));
            if (committed.status() != 201) {
                throw RegistryErrors.fromResponse(operation, committed);
            }
            try (committed) {
                String stored = committed.header("Docker-Content-Digest").orElse(blob.digest().toString());
                if (!stored.equals(blob.digest().toString())) {
                    throw new DigestMismatchException(operation + ": the registry stored " + stored);
                }
            }
            return size;
        } catch (IOException e) {
            throw RegistryErrors.fromIo(operation, e);
        }
    }

    /** Cancels an upload session so the registry can drop what it received; failure to cancel is not an error. */
    private void cancel(Repository target, String location, String operation) {
        try (RegistryResponse ignored = transport.send(RegistryRequest.of("DELETE", target, location,
                Set.of(Scope.push(target.path())), "cancel " + operation))) {
            LOG.debug("{}: upload cancelled (HTTP {})", operation, ignored.status());
        } catch (RegistryException e) {
            LOG.debug("{}: cancelling the upload failed: {}", operation, e.getMessage());
        }
    }

    /** The session URL to continue with, resolved against the URL that handed it out; used exactly as given. */
    private static String location(RegistryResponse response, String operation) {
        String location = response.header("Location").orElseThrow(() -> new PermanentRegistryException(
                operation + ": the registry gave no upload Location", response.status(), ErrorCode.BLOB_UPLOAD_INVALID));
        return response.uri().resolve(location).toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}

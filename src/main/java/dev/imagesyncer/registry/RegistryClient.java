package dev.imagesyncer.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagesyncer.registry.auth.CredentialSource;
import dev.imagesyncer.registry.auth.Scope;
import dev.imagesyncer.registry.http.RegistryErrors;
import dev.imagesyncer.registry.http.RegistryRequest;
import dev.imagesyncer.registry.http.RegistryResponse;
import dev.imagesyncer.registry.http.RegistryTransport;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Docker Registry V2 / OCI distribution client, safe to share between threads: every call goes through one
 * connection pool and one token cache. Manifests are kept as the exact bytes served; blobs are streamed and
 * verified against their digest while they stream.
 *
 * <p>Each call is one attempt: a failure surfaces as a {@link TransientRegistryException} (worth another try),
 * a {@link DigestMismatchException} (bytes that arrived wrong, also worth another try) or a
 * {@link PermanentRegistryException}, and the caller (the routes' redelivery policy) decides. The client keeps
 * only what belongs inside one HTTP exchange or upload session: re-sending an idempotent request whose pooled
 * connection was stale, pausing a registry that sent {@code Retry-After}, and resuming a failed chunk of a
 * chunked upload where the registry stopped.
 */
public final class RegistryClient implements ImageStore, Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryClient.class);

    /** Registries must accept manifests up to 4 MiB (OCI distribution spec); anything larger is refused. */
    public static final int MAX_MANIFEST_BYTES = 4 << 20;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]*)>\\s*;\\s*rel=\"?next\"?");

    private final RegistryClientSettings settings;
    private final RegistryTransport transport;
    private final BlobUploader uploader;
    /** Registries (API hosts) that answered HEAD on a manifest with 405 or 501: asked with GET instead. */
    private final Set<String> noManifestHead = ConcurrentHashMap.newKeySet();
    /** Whether a registry (API host) serves the referrers API, once a request showed it. */
    private final Map<String, Boolean> referrersApi = new ConcurrentHashMap<>();

    /** A client without an upload journal, whose chunked uploads are not resumed in their session. */
    public RegistryClient(RegistryClientSettings settings, CredentialSource credentials) {
        this(settings, credentials, ResumePolicy.NONE);
    }

    /** A client that resumes a failed chunk of a chunked upload in its session, as {@code resume} says. */
    public RegistryClient(RegistryClientSettings settings, CredentialSource credentials, ResumePolicy resume) {
        this(settings, credentials, resume, UploadJournal.NONE);
    }

    /**
     * As {@link #RegistryClient(RegistryClientSettings, CredentialSource, ResumePolicy)}, and chunked uploads
     * recorded in {@code journal}, so that a later client carries on those an earlier one did not finish.
     */
    public RegistryClient(RegistryClientSettings settings, CredentialSource credentials, ResumePolicy resume,
                          UploadJournal journal) {
        this(settings, credentials, resume, journal, () -> false);
    }

    /**
     * As {@link #RegistryClient(RegistryClientSettings, CredentialSource, ResumePolicy, UploadJournal)}, and
     * chunked uploads stop after their chunk in flight, journaled, once {@code stopRequested} says true: the
     * upload throws {@link TransferStoppedException}.
     */
    public RegistryClient(RegistryClientSettings settings, CredentialSource credentials, ResumePolicy resume,
                          UploadJournal journal, BooleanSupplier stopRequested) {
        this.settings = settings;
        this.transport = new RegistryTransport(settings, credentials);
        this.uploader = new BlobUploader(transport, settings, resume, journal, stopRequested);
    }

    /**
     * Makes this client read-only, for a dry run: from now on every request but GET and HEAD fails with a
     * {@link PermanentRegistryException} and never reaches the registry (token requests still go out).
     */
    public void refuseWrites() {
        transport.refuseWrites();
    }

    /**
     * HEAD a manifest: its digest, media type and size, or empty when the registry does not have it. A registry
     * that answers HEAD on manifests with 405 or 501 (some caching proxies) is asked with GET instead, from then
     * on for the rest of the run, as skopeo does.
     *
     * @throws RegistryException when the registry answers anything else than the manifest or 404
     */
    @Override
    public Optional<Descriptor> headManifest(ImageReference image) {
        if (noManifestHead.contains(image.repository().apiHost())) {
            return headByGet(image);
        }
        String operation = "HEAD manifest " + image;
        try (RegistryResponse response = transport.send(manifestRequest("HEAD", image, operation))) {
            if (response.status() == 404) {
                return Optional.empty();
            }
            if (response.status() == 405 || response.status() == 501) {
                if (noManifestHead.add(image.repository().apiHost())) {
                    LOG.info("{} answers HEAD on manifests with HTTP {}: reading them with GET instead",
                            image.repository().registry(), response.status());
                }
                return headByGet(image);
            }
            if (response.status() != 200) {
                throw RegistryErrors.fromResponse(operation, response);
            }
            Optional<String> digest = response.header("Docker-Content-Digest");
            if (digest.isEmpty()) {
                Manifest manifest = getManifest(image);
                return Optional.of(Descriptor.of(manifest.mediaType(), manifest.digest(), manifest.bytes().length));
            }
            return Optional.of(Descriptor.of(
                    MediaTypes.withoutParameters(response.header("Content-Type").orElse(null)),
                    digestHeader(operation, digest.get()), response.contentLength()));
        }
    }

    /** What a HEAD would say, from a GET: empty when the registry does not have the manifest. */
    private Optional<Descriptor> headByGet(ImageReference image) {
        return findManifest(image).map(manifest ->
                Descriptor.of(manifest.mediaType(), manifest.digest(), manifest.bytes().length));
    }

    /**
     * As {@link #getManifest}, but empty when the registry does not have the manifest (404).
     *
     * @throws RegistryException when the registry answers anything else than the manifest or 404
     */
    @Override
    public Optional<Manifest> findManifest(ImageReference image) {
        String operation = "GET manifest " + image;
        try (RegistryResponse response = transport.send(manifestRequest("GET", image, operation))) {
            return response.status() == 404 ? Optional.empty()
                    : Optional.of(readManifest(image, operation, response));
        }
    }

    /**
     * GET a manifest: the bytes exactly as served. Their digest is checked against the reference (when it is a
     * digest) and against {@code Docker-Content-Digest} (when sent).
     */
    @Override
    public Manifest getManifest(ImageReference image) {
        String operation = "GET manifest " + image;
        try (RegistryResponse response = transport.send(manifestRequest("GET", image, operation))) {
            return readManifest(image, operation, response);
        }
    }

    /** Reads a manifest from the answer to its GET, checking its digest (see {@link #getManifest}). */
    private Manifest readManifest(ImageReference image, String operation, RegistryResponse response) {
        if (response.status() != 200) {
            throw RegistryErrors.fromResponse(operation, response);
        }
        byte[] bytes;
        try {
            bytes = response.readBody(MAX_MANIFEST_BYTES);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("response body larger")) {
                throw new PermanentRegistryException(operation + ": manifest larger than "
                        + (MAX_MANIFEST_BYTES >> 20) + " MiB", 200, ErrorCode.MANIFEST_INVALID);
            }
            throw RegistryErrors.fromIo(operation, e);
        }
        String mediaType = mediaTypeOf(operation, response, bytes);
        Digest computed = Digest.sha256(bytes);
        Optional<Digest> served = response.header("Docker-Content-Digest").map(d -> digestHeader(operation, d));
        if (mediaType.equals(MediaTypes.DOCKER_MANIFEST_V1_SIGNED)) {
            // signed schema1 is digested without its signatures: trust the registry's digest
            return new Manifest(bytes, mediaType, served.orElse(image.digest() != null ? image.digest() : computed));
        }
        if (served.isPresent() && !served.get().equals(computed)) {
            throw new DigestMismatchException(operation + ": content digest " + computed
                    + " differs from Docker-Content-Digest " + served.get());
        }
        if (image.digest() != null && !image.digest().equals(computed)) {
            throw new DigestMismatchException(operation + ": content digest " + computed + " differs from "
                    + image.digest());
        }
        Manifest manifest = new Manifest(bytes, mediaType, computed);
        String declared = manifest.declaredMediaType();
        if (declared != null && !declared.equals(mediaType)) {
            throw new PermanentRegistryException(operation + ": served as " + mediaType
                    + " but its mediaType field says " + declared, 200, ErrorCode.MANIFEST_INVALID);
        }
        return manifest;
    }

    /** PUT a manifest's exact bytes under a tag or its digest; returns the digest the registry stored. */
    @Override
    public Digest putManifest(Repository repository, String reference, Manifest manifest) {
        String operation = "PUT manifest " + repository + (reference.contains(":") ? "@" : ":") + reference;
        RegistryRequest request = RegistryRequest.of("PUT", repository,
                        "/v2/" + repository.path() + "/manifests/" + reference, Set.of(Scope.push(repository.path())),
                        operation)
                .withBody(new ByteArrayEntity(manifest.bytes(), ContentType.create(manifest.mediaType())));
        try (RegistryResponse response = transport.send(request)) {
            if (response.status() == 500 && MediaTypes.isSchema1(manifest.mediaType())) {
                // distribution 2.8 answers a schema 1 manifest it does not accept with 500 UNKNOWN: not worth a retry
                RegistryException refused = RegistryErrors.fromResponse(operation, response);
                if (!refused.isTransient() || refused.code() != ErrorCode.UNKNOWN) {
                    throw refused; // out of space, or another error that says what it is
                }
                throw new PermanentRegistryException(refused.getMessage() + ": the registry does not accept Docker "
                        + "schema 1 manifests (deprecated since 2017, refused by default since distribution 2.8); "
                        + "push the image in a current format, or enable schema 1 on the target", refused.status(),
                        refused.code());
            }
            if (response.status() != 201) {
                throw RegistryErrors.fromResponse(operation, response);
            }
            if (response.header("OCI-Subject").isPresent()) {
                referrersApi.put(repository.apiHost(), true); // it processed the subject: it lists referrers itself
            }
            Optional<Digest> stored = response.header("Docker-Content-Digest").map(d -> digestHeader(operation, d));
            if (stored.isPresent() && !stored.get().equals(manifest.digest())
                    && !MediaTypes.isSchema1(manifest.mediaType())) {
                throw new DigestMismatchException(operation + ": the registry stored " + stored.get()
                        + " for content with digest " + manifest.digest());
            }
            return stored.orElse(manifest.digest());
        }
    }

    @Override
    public boolean blobExists(Repository repository, Digest digest) {
        String operation = "HEAD blob " + repository + "@" + digest;
        try (RegistryResponse response = transport.send(RegistryRequest.of("HEAD", repository,
                "/v2/" + repository.path() + "/blobs/" + digest, Set.of(Scope.pull(repository.path())), operation))) {
            if (response.status() == 200) {
                return true;
            }
            if (response.status() == 404) {
                return false;
            }
            throw RegistryErrors.fromResponse(operation, response);
        }
    }

    /** GET a blob as a stream (following redirects, e.g. to object storage). The caller reads it and closes it. */
    public BlobStream openBlob(Repository repository, Digest digest) {
        return openBlob(repository, digest, 0);
    }

    /**
     * GET a small blob whole (an image's config), verified against its digest.
     *
     * @param maxBytes the largest blob read (bytes)
     * @throws RegistryException when it cannot be read, is larger than {@code maxBytes} or its digest differs
     */
    @Override
    public byte[] getSmallBlob(Repository repository, Digest digest, int maxBytes) {
        String operation = "GET blob " + repository + "@" + digest;
        boolean read = false;
        BlobStream stream = openBlob(repository, digest);
        try {
            byte[] bytes = stream.content().readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw new PermanentRegistryException(operation + ": larger than " + maxBytes + " bytes", 200,
                        ErrorCode.SIZE_INVALID);
            }
            if (!Digest.sha256(bytes).equals(digest)) {
                throw new DigestMismatchException(operation + ": content digest " + Digest.sha256(bytes) + " differs");
            }
            read = true;
            return bytes;
        } catch (IOException e) {
            throw RegistryErrors.fromIo(operation, e);
        } finally {
            if (read) {
                try {
                    stream.close();
                } catch (IOException e) {
                    LOG.debug("{}: closing failed: {}", operation, e.getMessage());
                }
            } else {
                stream.abort();
            }
        }
    }

    /**
     * GET a blob from byte {@code offset} on, with {@code Range} when the offset is not 0. A server that ignores
     * the range sends the whole blob: the bytes before the offset are then read and dropped here. One attempt:
     * {@link #pushBlob}, which opens downloads through its {@link BlobSource}, retries the transfer as a whole.
     */
    @Override
    public BlobStream openBlob(Repository repository, Digest digest, long offset) {
        String operation = "GET blob " + repository + "@" + digest + (offset > 0 ? " from byte " + offset : "");
        RegistryRequest request = RegistryRequest.of("GET", repository,
                "/v2/" + repository.path() + "/blobs/" + digest, Set.of(Scope.pull(repository.path())), operation);
        RegistryResponse response = transport.send(offset > 0 ? request.withHeader("Range", "bytes=" + offset + "-")
                : request);
        boolean ranged = offset > 0 && response.status() == 206;
        if (response.status() != 200 && !ranged) {
            throw RegistryErrors.fromResponse(operation, response);
        }
        try {
            if (ranged && !response.header("Content-Range").orElse("").startsWith("bytes " + offset + "-")) {
                throw new PermanentRegistryException(operation + ": the registry answered another range: "
                        + response.header("Content-Range").orElse("none"), 206, ErrorCode.UNKNOWN);
            }
            InputStream body = response.body();
            long length = response.contentLength();
            if (offset > 0 && !ranged) {
                body.skipNBytes(offset);
                length = length < 0 ? -1 : length - offset;
            }
            return new BlobStream(response, body, length);
        } catch (IOException e) {
            response.abort();
            throw RegistryErrors.fromIo(operation, e);
        } catch (RuntimeException e) {
            response.abort();
            throw e;
        }
    }

    /**
     * Pushes a blob into {@code target}: mounted from {@code mountFrom} when that is a repository of the same
     * registry holding it (may be null), else uploaded from {@code source} and verified on the way. A failed
     * chunk of a chunked upload is resumed in its session when the registry holds exactly what it confirmed;
     * any other failure cancels the session and is thrown (OCI distribution spec, "Pushing blobs").
     *
     * @throws RegistryException        when the push fails
     * @throws TransferStoppedException when the run was asked to stop: a chunked upload stopped after its chunk
     *                                  in flight, its session journaled
     */
    @Override
    public BlobPushResult pushBlob(Repository target, Descriptor blob, BlobSource source, Repository mountFrom) {
        return uploader.push(target, blob, source, mountFrom);
    }

    /**
     * Every tag of a repository, following {@code Link} pagination; a full page without {@code Link} is followed
     * by asking from its last tag on ({@code last}), until a page comes back short.
     */
    @Override
    public List<String> listTags(Repository repository) {
        String operation = "list tags of " + repository;
        return pagedNames(repository, "/v2/" + repository.path() + "/tags/list", "tags",
                Scope.pull(repository.path()), settings.tagPageSize(), operation,
                response -> RegistryErrors.fromResponse(operation, response));
    }

    /**
     * The names a paged list holds (tags, repositories): {@code GET path?n=pageSize}, then each next page, from
     * {@code Link}, or from the last name with {@code last} after a full page without one (some registries leave
     * {@code Link} out), until a page comes back short. {@code failure} turns an answer other than 200 into the
     * exception to throw.
     */
    private List<String> pagedNames(Repository repository, String path, String field, Scope scope, int pageSize,
                                    String operation, Function<RegistryResponse, RegistryException> failure) {
        List<String> names = new ArrayList<>();
        Set<String> visited = new HashSet<>();
        String next = path + "?n=" + pageSize;
        while (next != null) {
            requireUnread(visited, next, operation);
            try (RegistryResponse response = transport.send(RegistryRequest.of("GET", repository, next,
                    Set.of(scope), operation))) {
                if (response.status() != 200) {
                    throw failure.apply(response);
                }
                List<String> page = new ArrayList<>();
                JSON.readTree(response.readBody(64 << 20)).path(field).forEach(name -> page.add(name.asText()));
                names.addAll(page);
                next = nextPage(response).orElse(page.size() >= pageSize ? path + "?n=" + pageSize + "&last="
                                + URLEncoder.encode(page.get(page.size() - 1), StandardCharsets.UTF_8) : null);
            } catch (IOException e) {
                throw RegistryErrors.fromIo(operation, e);
            }
        }
        return names;
    }

    /**
     * The referrers of {@code subject} through the referrers API ({@code GET /v2/<name>/referrers/<digest>},
     * following {@code Link} pages; OCI distribution spec 1.1, "Listing Referrers"), unfiltered. Empty when the
     * registry does not serve the API (it answers 404, which a registry that serves it never does, or 405 or 501,
     * or something else than an OCI index): remembered for the rest of the run, so that such a registry is asked
     * once.
     *
     * @throws RegistryException when the registry answers anything else than a list or 404
     */
    @Override
    public Optional<List<Referrer>> referrersFromApi(Repository repository, Digest subject) {
        if (Boolean.FALSE.equals(referrersApi.get(repository.apiHost()))) {
            return Optional.empty();
        }
        String operation = "list referrers of " + repository + "@" + subject;
        List<Referrer> referrers = new ArrayList<>();
        Set<String> visited = new HashSet<>();
        String first = "/v2/" + repository.path() + "/referrers/" + subject;
        String next = first;
        while (next != null) {
            requireUnread(visited, next, operation);
            try (RegistryResponse response = transport.send(RegistryRequest.of("GET", repository, next,
                    Set.of(Scope.pull(repository.path())), operation).withHeader("Accept", MediaTypes.OCI_INDEX))) {
                String type = MediaTypes.withoutParameters(response.header("Content-Type").orElse(null));
                boolean notAnApi = Set.of(404, 405, 501).contains(response.status())
                        || (response.status() == 200 && !type.equals(MediaTypes.OCI_INDEX));
                if (notAnApi && next.equals(first)) {
                    if (referrersApi.putIfAbsent(repository.apiHost(), false) == null) {
                        LOG.info("{} has no referrers API (HTTP {}{}): reading and writing its referrers through the "
                                        + "tag schema (sha256-<digest> tags)", repository.registry(), response.status(),
                                response.status() == 200 ? ", " + (type.isEmpty() ? "no content type" : type) : "");
                    }
                    return Optional.empty();
                }
                if (response.status() != 200) {
                    throw RegistryErrors.fromResponse(operation, response);
                }
                referrers.addAll(ReferrersIndex.parse(response.readBody(MAX_MANIFEST_BYTES)));
                next = nextPage(response).orElse(null);
            } catch (IOException e) {
                throw RegistryErrors.fromIo(operation, e);
            } catch (IllegalArgumentException e) {
                throw new PermanentRegistryException(operation + ": " + e.getMessage(), 200,
                        ErrorCode.MANIFEST_INVALID);
            }
        }
        referrersApi.put(repository.apiHost(), true);
        return Optional.of(referrers);
    }

    /**
     * True when the registry of {@code repository} lists referrers itself: a manifest PUT there was answered with
     * {@code OCI-Subject}, or its referrers API answers (asked once, about {@code subject}). A client pushing a
     * referrer to a registry without it keeps the referrers tag schema's index up to date instead (OCI
     * distribution spec 1.1, "Pushing Manifests with Subject").
     *
     * @throws RegistryException when the registry cannot be asked
     */
    @Override
    public boolean servesReferrersApi(Repository repository, Digest subject) {
        Boolean known = referrersApi.get(repository.apiHost());
        return known != null ? known : referrersFromApi(repository, subject).isPresent();
    }

    /**
     * Deletes a manifest by digest ({@code DELETE /v2/<name>/manifests/<digest>}, OCI distribution spec,
     * "Deleting manifests"), which removes every tag that points at it. A manifest already gone (404) is fine.
     *
     * @throws PermanentRegistryException with {@link ErrorCode#UNSUPPORTED} when the registry does not delete
     *                                    (405, or its error code says so)
     * @throws RegistryException          for any other failure
     */
    @Override
    public void deleteManifest(Repository repository, Digest digest) {
        String operation = "DELETE manifest " + repository + "@" + digest;
        try (RegistryResponse response = transport.send(RegistryRequest.of("DELETE", repository,
                "/v2/" + repository.path() + "/manifests/" + digest, Set.of(new Scope("repository", repository.path(),
                        Set.of("delete", "pull", "push"))), operation))) {
            if (response.status() == 202 || response.status() == 200 || response.status() == 404) {
                return;
            }
            RegistryException refused = RegistryErrors.fromResponse(operation, response);
            if (response.status() == 405 || refused.code() == ErrorCode.UNSUPPORTED) {
                throw new PermanentRegistryException(operation + ": the registry does not delete manifests (HTTP "
                        + response.status() + "); enable deletes there, or prune by hand", response.status(),
                        ErrorCode.UNSUPPORTED);
            }
            throw refused;
        }
    }

    /**
     * Every repository of the registry of {@code anchor} (whose path only chooses the credentials), from
     * {@code GET /v2/_catalog} in pages of at most 1000 (distribution answers 400 above that), following
     * {@code Link}, or {@code last} when a full page comes without one (OCI distribution spec, "Listing
     * Repositories" of Docker's registry API).
     *
     * @throws PermanentRegistryException saying to list the repositories instead, when the registry refuses the
     *                                    catalog (401, 403, 404, 405: Docker Hub, GHCR and others)
     * @throws RegistryException          for any other failure
     */
    @Override
    public List<String> listRepositories(Repository anchor) {
        String operation = "list the repositories of " + anchor.registry();
        return pagedNames(anchor, "/v2/_catalog", "repositories", new Scope("registry", "catalog", Set.of("*")),
                Math.min(1000, settings.tagPageSize()), operation, response -> {
                    RegistryException refused = RegistryErrors.fromResponse(operation, response);
                    if (!Set.of(401, 403, 404, 405).contains(response.status())) {
                        return refused;
                    }
                    return new PermanentRegistryException(anchor.registry() + " does not list its repositories "
                            + "(GET /v2/_catalog answered HTTP " + response.status() + "): name the repositories in "
                            + "the images file instead of a namespace", refused.status(), refused.code());
                });
    }

    /** The next page of a paged list, from the answer's {@code Link: <...>; rel="next"}, resolved against it. */
    private static Optional<String> nextPage(RegistryResponse response) {
        return response.header("Link").map(NEXT_LINK::matcher).filter(Matcher::find)
                .map(link -> response.uri().resolve(link.group(1)).toString());
    }

    /** Marks a page of a paged list read; a registry whose links lead back to a read page fails the list. */
    private static void requireUnread(Set<String> visited, String page, String operation) {
        if (!visited.add(page)) {
            throw new PermanentRegistryException(operation + ": the registry links back to a page already read",
                    200, ErrorCode.UNKNOWN);
        }
    }

    private static Digest digestHeader(String operation, String value) {
        try {
            return Digest.parse(value);
        } catch (IllegalArgumentException e) {
            throw new PermanentRegistryException(operation + ": the registry sent an invalid Docker-Content-Digest: "
                    + e.getMessage(), 0, ErrorCode.DIGEST_INVALID);
        }
    }

    private static RegistryRequest manifestRequest(String method, ImageReference image, String operation) {
        Repository repository = image.repository();
        return RegistryRequest.of(method, repository, "/v2/" + repository.path() + "/manifests/" + image.reference(),
                        Set.of(Scope.pull(repository.path())), operation)
                .withHeader("Accept", MediaTypes.MANIFEST_ACCEPT);
    }

    /** The media type from {@code Content-Type}, or from the JSON when a registry serves a generic type. */
    private static String mediaTypeOf(String operation, RegistryResponse response, byte[] bytes) {
        String contentType = MediaTypes.withoutParameters(response.header("Content-Type").orElse(null));
        if (MediaTypes.isManifest(contentType)) {
            return contentType;
        }
        String declared = null;
        try {
            JsonNode field = JSON.readTree(bytes).path("mediaType");
            declared = field.isTextual() ? field.asText() : null;
        } catch (IOException notJson) {
            // reported below
        }
        if (declared != null && MediaTypes.isManifest(declared)) {
            return declared;
        }
        throw new PermanentRegistryException(operation + ": unsupported manifest media type '"
                + (declared != null ? declared : contentType) + "'", 200, ErrorCode.MANIFEST_INVALID);
    }

    @Override
    public void close() throws IOException {
        transport.close();
    }
}

package dev.imagesyncer.testing;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A recording HTTP proxy in the JVM, in front of a test registry, that can misbehave on request. It listens on
 * 127.0.0.1 (plain HTTP, whatever the backend speaks) and forwards every request to the backend, streaming
 * bodies both ways: method, status and headers pass through ({@code Authorization}, {@code WWW-Authenticate},
 * {@code Content-Type}, {@code Content-Length}, {@code Docker-Content-Digest}, {@code Range}, ...), and an absolute
 * {@code Location} that points at the backend is rewritten to point at the front. Credentials are the backend's
 * ({@link #username()}, {@link #tokenServer()}), so {@link RegistrySeeder} and {@link Skopeo} work through it.
 *
 * <pre>{@code
 * try (RegistryFront front = RegistryFront.of(registry).paginateTags(50)) {
 *     ... point the code under test at front.baseUri() ...
 *     assertThat(front.requests()).extracting(RecordedRequest::path).contains("/v2/");
 * }
 * }</pre>
 *
 * <p>Misbehaviours, each switched on by a method (all may change while it runs; {@link #reset()} turns them
 * off): {@link #paginateTags}, {@link #redirectBlobGets}, {@link #redirectLoop}, {@link #corruptBlob},
 * {@link #failNext}. Thread-safe.
 *
 * <p>A TLS handshake on the front's port gets an immediate {@code 400} (as from Go's HTTP server), so Go clients
 * such as skopeo, which try HTTPS before HTTP, fall back at once instead of after a 10 s timeout.
 */
public final class RegistryFront implements PlainHttpFront, AutoCloseable {

    /**
     * One request as it reached the front (or the redirect target).
     *
     * @param method           HTTP method
     * @param path             raw path, e.g. {@code /v2/lab/a/blobs/sha256:...}
     * @param query            raw query without {@code ?}, null when there is none
     * @param hadAuthorization whether the request carried an {@code Authorization} header
     */
    public record RecordedRequest(String method, String path, String query, boolean hadAuthorization) {
    }

    /**
     * A write (PUT, POST, PATCH, DELETE) as the front served it, for tests of several instances: which repository,
     * which instance (the {@code node/<id>} of its User-Agent, or the whole header), and when it started and ended
     * ({@link System#nanoTime()}).
     */
    public record Write(String repository, String node, long started, long ended) {
    }

    private static final Pattern WRITE_PATH = Pattern.compile("^/v2/(.+)/(?:blobs/uploads/.*|blobs/[^/]+|manifests/[^/]+)$");
    private static final Pattern NODE = Pattern.compile("node/(\\S+)");

    /** Query parameter the redirect target requires, as a pre-signed URL would. */
    public static final String REDIRECT_SIGNATURE_PARAM = "X-Test-Signature";

    private static final Pattern TAGS_LIST = Pattern.compile("^/v2/(.+)/tags/list$");
    private static final Pattern REFERRERS = Pattern.compile("^/v2/(.+)/referrers/(sha256:[0-9a-f]{64})$");
    private static final Pattern MANIFEST = Pattern.compile("^/v2/(.+)/manifests/([^/]+)$");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern BLOB = Pattern.compile("^/v2/(.+)/blobs/(sha256:[0-9a-f]{64})$");
    private static final Set<String> NOT_FORWARDED_REQUEST_HEADERS = Set.of("host", "connection",
            "content-length", "transfer-encoding", "expect", "upgrade", "keep-alive", "te", "trailer", "date",
            "from", "via", "warning", "proxy-connection", "http2-settings");
    private static final Set<String> NOT_FORWARDED_RESPONSE_HEADERS = Set.of("connection", "content-length",
            "transfer-encoding", "keep-alive", "date", "upgrade", "trailer");

    private final RegistryEndpoint backend;
    private final HttpClient client;
    private final HttpServer server;
    private final HttpServer redirectTarget;
    private TlsRefusingRelay publicPort;
    private final ExecutorService executor;
    private final String redirectSignature = UUID.randomUUID().toString();
    private final List<RecordedRequest> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<Write> writes = Collections.synchronizedList(new ArrayList<>());
    private final List<RecordedRequest> redirectTargetRequests = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> corruptDigests = ConcurrentHashMap.newKeySet();
    private final List<Failure> failures = new ArrayList<>();
    private volatile int tagPageSize;
    private volatile boolean redirectBlobGets;
    private volatile boolean redirectLoop;
    private volatile int referrersPageSize;
    private volatile int catalogPageCap;
    /** name@subject -> the referrers' descriptors (digest -> JSON object), in the order they were pushed. */
    private final Map<String, Map<String, ObjectNode>> referrers = new ConcurrentHashMap<>();

    private RegistryFront(RegistryEndpoint backend) throws IOException {
        this.backend = backend;
        this.client = TestHttp.client(backend);
        this.executor = Executors.newCachedThreadPool(TestHttp.daemonThreads("registry-front"));
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        this.server.setExecutor(executor);
        this.server.createContext("/", this::handle);
        this.redirectTarget = HttpServer.create(new InetSocketAddress(InetAddress.getByName("localhost"), 0), 0);
        this.redirectTarget.setExecutor(executor);
        this.redirectTarget.createContext("/", this::handleRedirectTarget);
    }

    /** Starts a front for {@code backend} (which must already run) on a free port of 127.0.0.1. */
    public static RegistryFront of(RegistryEndpoint backend) {
        try {
            RegistryFront front = new RegistryFront(backend);
            front.server.start();
            front.redirectTarget.start();
            front.publicPort = new TlsRefusingRelay(front.server.getAddress(), front.executor);
            return front;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops both servers. */
    @Override
    public void close() {
        publicPort.close();
        server.stop(0);
        redirectTarget.stop(0);
        executor.shutdownNow();
    }

    // ---------------------------------------------------------------- misbehaviours

    /**
     * Paginates {@code GET /v2/<name>/tags/list} as Docker Hub does (the real registry returns every tag,
     * unsorted, without {@code Link}): fetches the full list from the backend (with the client's
     * {@code Authorization}; a non-200 answer passes through), sorts it lexically, keeps the tags after
     * {@code last}, returns at most {@code n} of them ({@code defaultPageSize} without {@code n}), and adds
     * {@code Link: </v2/<name>/tags/list?n=N&last=X>; rel="next"} while more remain. 0 switches it off.
     */
    public RegistryFront paginateTags(int defaultPageSize) {
        this.tagPageSize = defaultPageSize;
        return this;
    }

    /**
     * Answers blob GETs ({@code /v2/<name>/blobs/sha256:...}) that the backend would serve (checked with a HEAD
     * carrying the client's headers; otherwise the GET is forwarded as usual) with {@code 307} and
     * {@code Location: http://localhost:<otherPort>/v2/<name>/blobs/<digest>?X-Test-Signature=...}: a second
     * server, on another host name and port, like a storage bucket behind a pre-signed URL. It needs no
     * credentials, answers 403 when the signature parameter is missing, serves the bytes (honouring
     * {@code Range}) and records each request in {@link #redirectTargetRequests()}, including whether it carried
     * an {@code Authorization} header (which a client must not send to another host).
     */
    public RegistryFront redirectBlobGets() {
        this.redirectBlobGets = true;
        return this;
    }

    /**
     * Serves the OCI 1.1 referrers API, which distribution 2.8 lacks: a manifest PUT that the backend accepts
     * (201) and whose JSON has a {@code subject} is recorded and answered with {@code OCI-Subject}; {@code GET
     * /v2/<name>/referrers/<digest>} answers with an OCI index of the descriptors of the manifests recorded for
     * that subject (with {@code artifactType}, from the manifest's or its config's media type, and its
     * annotations), {@code pageSize} per page with {@code Link} to the next, and applies {@code ?artifactType=}
     * with {@code OCI-Filters-Applied: artifactType}. Only manifests pushed through this front are known.
     */
    public RegistryFront servesReferrersApi(int pageSize) {
        this.referrersPageSize = pageSize;
        return this;
    }

    /**
     * Forwards {@code GET /v2/_catalog} with its {@code n} lowered to at most {@code maxPageSize}, so that the
     * backend's own pagination ({@code Link} with {@code last}) shows on a handful of repositories. 0 switches it
     * off.
     */
    public RegistryFront capCatalogPages(int maxPageSize) {
        this.catalogPageCap = maxPageSize;
        return this;
    }

    /** Answers every blob GET with {@code 307} to the very same URL, forever. */
    public RegistryFront redirectLoop() {
        this.redirectLoop = true;
        return this;
    }

    /**
     * GETs of blob {@code digest} (here and at the redirect target) return the right status, headers and
     * length, but the first byte of the body is flipped.
     */
    public RegistryFront corruptBlob(String digest) {
        corruptDigests.add(digest);
        return this;
    }

    /**
     * The next {@code count} requests get {@code status} (e.g. 503 or 429) with {@code Retry-After: 1} and a
     * registry-style JSON error body, without reaching the backend.
     */
    public RegistryFront failNext(int status, int count) {
        return failNext(status, count, ".*");
    }

    /** As {@link #failNext(int, int)}, counting only requests whose method and path match, e.g.
     * {@code "GET /v2/.+/manifests/.*"} (the regex is matched against {@code "METHOD PATH"}). */
    public RegistryFront failNext(int status, int count, String methodAndPathRegex) {
        return failNext(status, count, methodAndPathRegex, 1);
    }

    /** As {@link #failNext(int, int, String)}, with {@code Retry-After: retryAfterSeconds}. */
    public RegistryFront failNext(int status, int count, String methodAndPathRegex, int retryAfterSeconds) {
        synchronized (failures) {
            failures.add(new Failure(status, count, Pattern.compile(methodAndPathRegex), retryAfterSeconds));
        }
        return this;
    }

    /** Switches every misbehaviour off (recorded requests are kept). */
    public RegistryFront reset() {
        tagPageSize = 0;
        redirectBlobGets = false;
        redirectLoop = false;
        referrersPageSize = 0;
        catalogPageCap = 0;
        corruptDigests.clear();
        synchronized (failures) {
            failures.clear();
        }
        return this;
    }

    // ---------------------------------------------------------------- records

    /** Requests received by the front so far, oldest first. */
    public List<RecordedRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Forgets the requests recorded by the front and by the redirect target. */
    public void clearRequests() {
        requests.clear();
        redirectTargetRequests.clear();
    }

    /** Requests received by the redirect target of {@link #redirectBlobGets()}, oldest first. */
    public List<RecordedRequest> redirectTargetRequests() {
        synchronized (redirectTargetRequests) {
            return List.copyOf(redirectTargetRequests);
        }
    }

    // ---------------------------------------------------------------- RegistryEndpoint

    @Override
    public String host() {
        return "127.0.0.1:" + publicPort.port();
    }

    @Override
    public RegistryEndpoint backend() {
        return backend;
    }

    /** Base URI of the redirect target, {@code http://localhost:PORT}. */
    public URI redirectTargetUri() {
        return URI.create("http://localhost:" + redirectTarget.getAddress().getPort());
    }

    @Override
    public String toString() {
        return "RegistryFront[" + baseUri() + " -> " + backend.baseUri() + "]";
    }

    // ---------------------------------------------------------------- handlers

    private void handle(HttpExchange exchange) {
        long started = System.nanoTime();
        try {
            handleTimed(exchange);
        } finally {
            String method = exchange.getRequestMethod();
            Matcher write = WRITE_PATH.matcher(exchange.getRequestURI().getRawPath());
            if (!"GET".equals(method) && !"HEAD".equals(method) && write.matches()) {
                String agent = String.valueOf(exchange.getRequestHeaders().getFirst("User-Agent"));
                Matcher node = NODE.matcher(agent);
                writes.add(new Write(write.group(1), node.find() ? node.group(1) : agent, started, System.nanoTime()));
            }
        }
    }

    /**
     * The writes the front served, in the order they ended: {@link Write#node()} tells which instance of a
     * cluster made each.
     */
    public List<Write> writes() {
        synchronized (writes) {
            return List.copyOf(writes);
        }
    }

    private void handleTimed(HttpExchange exchange) {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            String query = exchange.getRequestURI().getRawQuery();
            requests.add(new RecordedRequest(method, path, query,
                    exchange.getRequestHeaders().containsKey("Authorization")));

            Failure failure = takeFailure(method + " " + path);
            if (failure != null) {
                exchange.getResponseHeaders().set("Retry-After", Integer.toString(failure.retryAfterSeconds));
                String code = failure.status == 429 ? "TOOMANYREQUESTS" : "UNAVAILABLE";
                sendJson(exchange, failure.status,
                        "{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"injected by RegistryFront\"}]}");
                return;
            }
            Matcher tags = TAGS_LIST.matcher(path);
            if ("GET".equals(method) && tagPageSize > 0 && tags.matches()) {
                paginate(exchange, tags.group(1), query);
                return;
            }
            if ("GET".equals(method) && catalogPageCap > 0 && path.equals("/v2/_catalog")) {
                Map<String, String> params = queryParams(query);
                int asked = Integer.parseInt(params.getOrDefault("n", "1000"));
                params.put("n", Integer.toString(Math.min(asked, catalogPageCap)));
                StringBuilder capped = new StringBuilder();
                params.forEach((name, value) -> capped.append(capped.length() == 0 ? "" : "&").append(name).append('=')
                        .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
                forward(exchange, method, path, capped.toString(), false);
                return;
            }
            if (referrersPageSize > 0) {
                Matcher listing = REFERRERS.matcher(path);
                if ("GET".equals(method) && listing.matches()) {
                    serveReferrers(exchange, listing.group(1), listing.group(2), query);
                    return;
                }
                if ("PUT".equals(method) && MANIFEST.matcher(path).matches()) {
                    putManifestNotingSubject(exchange, MANIFEST.matcher(path).replaceFirst("$1"), path, query);
                    return;
                }
            }
            Matcher blob = BLOB.matcher(path);
            boolean blobGet = "GET".equals(method) && blob.matches();
            if (blobGet && redirectLoop) {
                redirect(exchange, baseUri() + path + (query == null ? "" : "?" + query));
                return;
            }
            if (blobGet && redirectBlobGets && backendHas(exchange, path)) {
                redirect(exchange, redirectTargetUri() + path + "?" + REDIRECT_SIGNATURE_PARAM + "="
                        + redirectSignature);
                return;
            }
            forward(exchange, method, path, query, blobGet && corruptDigests.contains(blob.group(2)));
        } catch (IOException | RuntimeException e) {
            failQuietly(exchange, e);
        }
    }

    private void handleRedirectTarget(HttpExchange exchange) {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            String query = exchange.getRequestURI().getRawQuery();
            redirectTargetRequests.add(new RecordedRequest(method, path, query,
                    exchange.getRequestHeaders().containsKey("Authorization")));
            Matcher blob = BLOB.matcher(path);
            if (!blob.matches() || !("GET".equals(method) || "HEAD".equals(method))) {
                sendJson(exchange, 404, "{\"message\":\"not found\"}");
                return;
            }
            if (query == null || !query.contains(REDIRECT_SIGNATURE_PARAM + "=" + redirectSignature)) {
                sendJson(exchange, 403, "{\"message\":\"missing or wrong " + REDIRECT_SIGNATURE_PARAM + "\"}");
                return;
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(backend.baseUri().resolve(path))
                    .method(method, HttpRequest.BodyPublishers.noBody());
            String authorization = backend.adminAuthorization(URLDecoder.decode(blob.group(1),
                    StandardCharsets.UTF_8));
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            String range = exchange.getRequestHeaders().getFirst("Range");
            if (range != null) {
                request.header("Range", range);
            }
            HttpResponse<InputStream> response = client.send(request.build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            Headers out = exchange.getResponseHeaders();
            out.set("Content-Type", "application/octet-stream");
            response.headers().firstValue("Content-Range").ifPresent(v -> out.set("Content-Range", v));
            response.headers().firstValue("Accept-Ranges").ifPresent(v -> out.set("Accept-Ranges", v));
            relay(exchange, method, response, corruptDigests.contains(blob.group(2)));
        } catch (IOException | RuntimeException e) {
            failQuietly(exchange, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void forward(HttpExchange exchange, String method, String path, String query, boolean corrupt)
            throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(backendUri(path, query))
                .method(method, requestBody(exchange));
        copyRequestHeaders(exchange, request);
        HttpResponse<InputStream> response = send(request);
        Headers out = exchange.getResponseHeaders();
        response.headers().map().forEach((name, values) -> {
            if (!NOT_FORWARDED_RESPONSE_HEADERS.contains(name.toLowerCase())) {
                for (String value : values) {
                    out.add(name, "location".equalsIgnoreCase(name) ? rewriteLocation(value) : value);
                }
            }
        });
        relay(exchange, method, response, corrupt);
    }

    private void serveReferrers(HttpExchange exchange, String name, String subject, String query) throws IOException {
        String artifactType = queryParams(query).get("artifactType");
        List<ObjectNode> listed = new ArrayList<>(referrers.getOrDefault(name + "@" + subject, Map.of()).values());
        if (artifactType != null) {
            listed.removeIf(descriptor -> !artifactType.equals(descriptor.path("artifactType").asText()));
            exchange.getResponseHeaders().set("OCI-Filters-Applied", "artifactType");
        }
        int page = Integer.parseInt(queryParams(query).getOrDefault("page", "0"));
        int from = Math.min(listed.size(), page * referrersPageSize);
        int to = Math.min(listed.size(), from + referrersPageSize);
        if (to < listed.size()) {
            exchange.getResponseHeaders().set("Link", "</v2/" + name + "/referrers/" + subject + "?page=" + (page + 1)
                    + (artifactType == null ? "" : "&artifactType=" + URLEncoder.encode(artifactType,
                    StandardCharsets.UTF_8)) + ">; rel=\"next\"");
        }
        ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2)
                .put("mediaType", "application/vnd.oci.image.index.v1+json");
        index.putArray("manifests").addAll(listed.subList(from, to));
        byte[] body = JSON.writeValueAsBytes(index);
        exchange.getResponseHeaders().set("Content-Type", "application/vnd.oci.image.index.v1+json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
    }

    private void putManifestNotingSubject(HttpExchange exchange, String name, String path, String query)
            throws IOException {
        byte[] manifest = exchange.getRequestBody().readAllBytes();
        HttpRequest.Builder request = HttpRequest.newBuilder(backendUri(path, query))
                .method("PUT", HttpRequest.BodyPublishers.ofByteArray(manifest));
        copyRequestHeaders(exchange, request);
        HttpResponse<InputStream> response = send(request);
        Headers out = exchange.getResponseHeaders();
        response.headers().map().forEach((header, values) -> {
            if (!NOT_FORWARDED_RESPONSE_HEADERS.contains(header.toLowerCase())) {
                values.forEach(value -> out.add(header, value));
            }
        });
        JsonNode json = JSON.readTree(manifest);
        if (response.statusCode() == 201 && json.path("subject").isObject()) {
            String subject = json.path("subject").path("digest").asText();
            ObjectNode descriptor = JSON.createObjectNode()
                    .put("mediaType", exchange.getRequestHeaders().getFirst("Content-Type"))
                    .put("digest", Digests.sha256(manifest)).put("size", manifest.length);
            String artifactType = json.path("artifactType").isTextual() ? json.path("artifactType").asText()
                    : json.path("config").path("mediaType").asText(null);
            if (artifactType != null) {
                descriptor.put("artifactType", artifactType);
            }
            if (json.path("annotations").isObject()) {
                descriptor.set("annotations", json.path("annotations"));
            }
            referrers.computeIfAbsent(name + "@" + subject, key -> Collections.synchronizedMap(new LinkedHashMap<>()))
                    .put(Digests.sha256(manifest), descriptor);
            out.set("OCI-Subject", subject);
        }
        relay(exchange, "PUT", response, false);
    }

    /** Sends status, Content-Length and the body of {@code response} (response headers already set). */
    private static void relay(HttpExchange exchange, String method, HttpResponse<InputStream> response,
                              boolean corrupt) throws IOException {
        int status = response.statusCode();
        long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        try (InputStream body = response.body()) {
            if ("HEAD".equals(method)) {
                if (length >= 0) {
                    exchange.getResponseHeaders().set("Content-Length", Long.toString(length));
                }
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            if (status == 204 || status == 304 || length == 0) {
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            exchange.sendResponseHeaders(status, Math.max(length, 0)); // 0 means chunked
            OutputStream out = exchange.getResponseBody();
            if (corrupt) {
                int first = body.read();
                if (first >= 0) {
                    out.write(first ^ 0xFF);
                }
            }
            body.transferTo(out);
            out.close();
        }
    }

    private void paginate(HttpExchange exchange, String name, String query) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(backendUri("/v2/" + name + "/tags/list", null));
        copyRequestHeaders(exchange, request);
        HttpResponse<InputStream> response = send(request);
        if (response.statusCode() != 200) {
            response.headers().map().forEach((header, values) -> {
                if (!NOT_FORWARDED_RESPONSE_HEADERS.contains(header.toLowerCase())) {
                    values.forEach(value -> exchange.getResponseHeaders().add(header, value));
                }
            });
            relay(exchange, "GET", response, false);
            return;
        }
        String json;
        try (InputStream body = response.body()) {
            json = new String(body.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, String> params = queryParams(query);
        int pageSize = params.containsKey("n") ? Integer.parseInt(params.get("n")) : tagPageSize;
        String last = params.get("last");
        List<String> remaining = new ArrayList<>();
        for (String tag : Json.stringArrayValue(json, "tags")) {
            if (last == null || tag.compareTo(last) > 0) {
                remaining.add(tag);
            }
        }
        Collections.sort(remaining);
        List<String> page = remaining.subList(0, Math.min(Math.max(pageSize, 0), remaining.size()));
        if (page.size() < remaining.size() && !page.isEmpty()) {
            exchange.getResponseHeaders().set("Link", "</v2/" + name + "/tags/list?n=" + pageSize + "&last="
                    + URLEncoder.encode(page.get(page.size() - 1), StandardCharsets.UTF_8) + ">; rel=\"next\"");
        }
        exchange.getResponseHeaders().set("Docker-Distribution-Api-Version", "registry/2.0");
        sendJson(exchange, 200, "{\"name\":" + Json.quote(URLDecoder.decode(name, StandardCharsets.UTF_8))
                + ",\"tags\":" + Json.stringArray(page) + "}");
    }

    private boolean backendHas(HttpExchange exchange, String path) throws IOException {
        HttpRequest.Builder head = HttpRequest.newBuilder(backendUri(path, null))
                .method("HEAD", HttpRequest.BodyPublishers.noBody());
        copyRequestHeaders(exchange, head);
        HttpResponse<InputStream> response = send(head);
        response.body().close();
        return response.statusCode() == 200;
    }

    private void redirect(HttpExchange exchange, String location) throws IOException {
        exchange.getResponseHeaders().set("Location", location);
        exchange.getResponseHeaders().set("Docker-Distribution-Api-Version", "registry/2.0");
        exchange.sendResponseHeaders(307, -1);
    }

    // ---------------------------------------------------------------- plumbing

    private HttpResponse<InputStream> send(HttpRequest.Builder request) throws IOException {
        try {
            return client.send(request.timeout(Duration.ofMinutes(5)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private URI backendUri(String rawPath, String rawQuery) {
        return URI.create(backend.baseUri() + rawPath + (rawQuery == null ? "" : "?" + rawQuery));
    }

    private String rewriteLocation(String location) {
        String backendBase = backend.baseUri().toString();
        return location.startsWith(backendBase) ? baseUri() + location.substring(backendBase.length()) : location;
    }

    private static HttpRequest.BodyPublisher requestBody(HttpExchange exchange) {
        Headers headers = exchange.getRequestHeaders();
        String contentLength = headers.getFirst("Content-Length");
        boolean chunked = "chunked".equalsIgnoreCase(headers.getFirst("Transfer-Encoding"));
        if (contentLength != null) {
            long length = Long.parseLong(contentLength.trim());
            return length == 0 ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.fromPublisher(
                            HttpRequest.BodyPublishers.ofInputStream(exchange::getRequestBody), length);
        }
        return chunked ? HttpRequest.BodyPublishers.ofInputStream(exchange::getRequestBody)
                : HttpRequest.BodyPublishers.noBody();
    }

    private static void copyRequestHeaders(HttpExchange exchange, HttpRequest.Builder request) {
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!NOT_FORWARDED_REQUEST_HEADERS.contains(name.toLowerCase())) {
                values.forEach(value -> request.header(name, value));
            }
        });
    }

    private static Map<String, String> queryParams(String rawQuery) {
        Map<String, String> params = new LinkedHashMap<>();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return params;
    }

    private Failure takeFailure(String methodAndPath) {
        synchronized (failures) {
            for (Failure failure : failures) {
                if (failure.remaining > 0 && failure.pattern.matcher(methodAndPath).matches()) {
                    failure.remaining--;
                    return failure;
                }
            }
            failures.removeIf(f -> f.remaining <= 0);
            return null;
        }
    }

    private static void sendJson(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        if ("HEAD".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    private static void failQuietly(HttpExchange exchange, Exception e) {
        try {
            sendJson(exchange, 502, "{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":" + Json.quote(
                    "RegistryFront: " + e) + "}]}");
        } catch (IOException | RuntimeException ignored) {
            // headers already sent or client gone: closing the exchange is all that is left
        }
    }

    private static final class Failure {
        final int status;
        final Pattern pattern;
        final int retryAfterSeconds;
        int remaining;

        Failure(int status, int remaining, Pattern pattern, int retryAfterSeconds) {
            this.status = status;
            this.remaining = remaining;
            this.pattern = pattern;
            this.retryAfterSeconds = retryAfterSeconds;
        }
    }
}

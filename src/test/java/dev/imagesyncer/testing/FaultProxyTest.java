package dev.imagesyncer.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagesyncer.testing.FaultProxy.Fault;
import dev.imagesyncer.testing.FaultProxy.LoggedRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link FaultProxy} against a real registry: clean forwarding, then what a client sees of each fault. */
class FaultProxyTest {

    @RegisterExtension
    static final RegistryExtension registry = RegistryExtension.open();

    private static final String REPOSITORY = "fault/proxy";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static TestImage image;
    private static String layerDigest;
    private static byte[] layer;
    private static String configDigest;

    @BeforeAll
    static void seed() {
        image = TestImages.seeded(11).dockerV2(1, (1 << 20) + 7);
        RegistrySeeder.of(registry).push(REPOSITORY, "v1", image);
        List<String> digests = new ArrayList<>(image.blobs().keySet());
        configDigest = digests.get(0);
        layerDigest = digests.get(1);
        layer = image.blobs().get(layerDigest);
    }

    // ------------------------------------------------------------------ forwarding

    @Test
    void forwards_a_blob_byte_for_byte() throws Exception {
        try (FaultProxy proxy = FaultProxy.in(registry, 1)) {
            HttpResponse<byte[]> response = send(proxy, get(proxy, blobPath(layerDigest)));

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(layer.length);
            assertThat(Digests.sha256(response.body())).isEqualTo(layerDigest);
            assertThat(proxy.requests()).isEqualTo(1);
            assertThat(proxy.injected()).isEmpty();
            assertThat(proxy.requestLog()).containsExactly(new LoggedRequest("GET", blobPath(layerDigest), null));
        }
    }

    @Test
    void forwards_a_monolithic_upload_and_points_its_location_at_the_proxy() throws Exception {
        byte[] blob = randomBytes(300_000);
        String digest = Digests.sha256(blob);
        try (FaultProxy proxy = FaultProxy.in(registry, 1)) {
            String location = startUpload(proxy);
            HttpResponse<byte[]> put = send(proxy, HttpRequest.newBuilder(withDigest(location, digest))
                    .header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(blob)));

            assertThat(location).startsWith(proxy.baseUri() + "/v2/" + REPOSITORY + "/blobs/uploads/");
            assertThat(put.statusCode()).isEqualTo(201);
            assertThat(put.headers().firstValue("Location")).hasValueSatisfying(
                    value -> assertThat(value).startsWith(proxy.baseUri().toString()));
            assertThat(RegistrySeeder.of(registry).blobExists(REPOSITORY, digest)).as("HEAD on the registry").isTrue();
        }
    }

    @Test
    void forwards_a_chunked_upload_sent_with_expect_continue() throws Exception {
        byte[] blob = randomBytes(3 << 20);
        String digest = Digests.sha256(blob);
        try (FaultProxy proxy = FaultProxy.in(registry, 1)) {
            String location = startUpload(proxy);
            HttpResponse<byte[]> patch = send(proxy, chunkedPatch(location, blob));
            String next = patch.headers().firstValue("Location").orElseThrow();
            HttpResponse<byte[]> put = send(proxy, HttpRequest.newBuilder(withDigest(next, digest))
                    .PUT(HttpRequest.BodyPublishers.noBody()));

            assertThat(patch.statusCode()).isEqualTo(202);
            assertThat(patch.headers().firstValue("Range")).hasValue("0-" + (blob.length - 1));
            assertThat(next).startsWith(proxy.baseUri().toString());
            assertThat(put.statusCode()).isEqualTo(201);
            assertThat(RegistrySeeder.of(registry).blobExists(REPOSITORY, digest)).as("HEAD on the registry").isTrue();
        }
    }

    @Test
    void skopeo_copies_an_image_through_the_proxy() {
        try (FaultProxy proxy = FaultProxy.in(registry, 1)) {
            Skopeo.copy(proxy, REPOSITORY + ":v1", proxy, "fault/copied:v1", "--preserve-digests");

            assertThat(RegistrySeeder.of(registry).fetchManifest("fault/copied", "v1")).hasValueSatisfying(
                    manifest -> assertThat(Digests.sha256(manifest)).isEqualTo(image.digest()));
            assertThat(proxy.requestLog()).extracting(LoggedRequest::method).contains("GET", "HEAD", "PUT");
            assertThat(proxy.injected()).isEmpty();
        }
    }

    // ------------------------------------------------------------------ each fault by rule

    @Test
    void reset_before_response_resets_the_connection_then_the_next_request_succeeds() throws Exception {
        try (FaultProxy proxy = FaultProxy.in(registry, 1)) {
            proxy.inject(Fault.RESET_BEFORE_RESPONSE, "GET /v2/.+/blobs/.*", 1);
            Read answer = rawGet(proxy, blobPath(layerDigest));

            assertThat(answer.bytes()).isEmpty();
            assertThat(answer.failure()).as("an RST, not a FIN").isInstanceOf(SocketException.class)
                    .hasMessageContaining("reset");
            assertNextBlobGetSucceeds(proxy);
            assertThat(proxy.injected()).isEqualTo(Map.of(Fault.RESET_BEFORE_RESPONSE, 1));
        }
    }

    @ParameterizedTest
    @CsvSource({"STATUS_500, 500", "STATUS_502, 502", "STATUS_503, 503"})
    void status_faults_answer_that_status_with_a_registry_error(Fault fault, int status) throws Exception {
        try (FaultProxy proxy = FaultProxy.in(registry, 1)) {
            proxy.inject(fault, "GET /v2/.+/blobs/.*", 1);
            HttpResponse<byte[]> response = send(proxy, get(proxy, blobPath(layerDigest)));

            assertThat(response.statusCode()).isEqualTo(status);
            assertThat(text(response)).isEqualTo("{\"errors\":[{\"code\":\"UNAVAILABLE\","
                    + "\"message\":\"injected by FaultProxy: " + fault + "\"}]}");
            assertThat(response.headers().firstValue("Retry-After")).isEmpty();
            assertNextBlobGetSucceeds(proxy);
            assertThat(proxy.injected()).isEqualTo(Map.of(fault, 1));
        }
    }

    @Test
    void uploads_hit_by_a_status_fault_can_be_sent_again_with_and_without_expect_continue() throws Exception {
        byte[] first = randomBytes(200_000);
        byte[] second = randomBytes(1 << 20);
        try (FaultProxy proxy = FaultProxy.in(registry, 1)) {
            HttpClient client = TestHttp.client(proxy); // one client, so a second attempt may reuse the connection
            proxy.inject(Fault.STATUS_503, "PUT /v2/.+/blobs/uploads/.*", 1);
            String location = startUpload(proxy);
            HttpRequest.Builder put = HttpRequest.newBuilder(withDigest(location, Digests.sha256(first)))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(first));
            HttpResponse<byte[]> refusedPut = send(client, put);
            HttpResponse<byte[]> acceptedPut = send(client, put);

            proxy.inject(Fault.STATUS_503, "PATCH /v2/.+/blobs/uploads/.*", 1);
            String patchLocation = startUpload(proxy);
            HttpResponse<byte[]> refusedPatch = send(client, chunkedPatch(patchLocation, second));
            HttpResponse<byte[]> acceptedPatch = send(client, chunkedPatch(patchLocation, second));

            assertThat(refusedPut.statusCode()).isEqualTo(503);
            assertThat(acceptedPut.statusCode()).isEqualTo(201);
            assertThat(refusedPatch.statusCode()).as("answered after the body").isEqualTo(503);
            assertThat(acceptedPatch.statusCode()).isEqualTo(202);
            assertThat(acceptedPatch.headers().firstValue("Range")).hasValue("0-" + (second.length - 1));
            assertThat(proxy.injected()).isEqualTo(Map.of(Fault.STATUS_503, 2));
        }
    }

    @Test
    void too_many_requests_asks_to_retry_after_one_second() throws Exception {
        try (FaultProxy proxy = FaultProxy.in(registry, 1)) {
            proxy.inject(Fault.TOO_MANY_REQUESTS_SECONDS, "GET /v2/.+/manifests/.*", 1);
            HttpResponse<byte[]> response = send(proxy, get(proxy, "/v2/" + REPOSITORY + "/manifests/v1"));

            assertThat(response.statusCode()).isEqualTo(429);
            assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(text(response)).contains("\"code\":\"TOOMANYREQUESTS\"");
            assertNextBlobGetSucceeds(proxy);
        }
    }

    @Test
    void too_many_requests_can_ask_to_retry_after_an_http_date() throws Exception {
        try (FaultProxy proxy = FaultProxy.in(registry, 1)) {
            proxy.inject(Fault.TOO_MANY_REQUESTS_DATE, ".*", 1);
            ZonedDateTime before = ZonedDateTime.now();
            HttpResponse<byte[]> response = send(proxy, get(proxy, "/v2/"));
            String retryAfter = response.headers().firstValue("Retry-After").orElseThrow();
            ZonedDateTime date = ZonedDateTime.parse(retryAfter, DateTimeFormatter.RFC_1123_DATE_TIME);

            assertThat(response.statusCode()).isEqualTo(429);
            assertThat(retryAfter).endsWith(" GMT");
            assertThat(date).isAfter(before).isBefore(before.plusSeconds(3));
            assertThat(text(response)).contains("\"code\":\"TOOMANYREQUESTS\"");
            assertNextBlobGetSucceeds(proxy);
        }
    }

    @Test
    void reset_in_body_delivers_the_headers_then_fails_the_body() throws Exception {
        try (FaultProxy proxy = FaultProxy.in(registry, 1)) {
            proxy.inject(Fault.RESET_IN_BODY, "GET /v2/.+/blobs/.*", 1);
            HttpResponse<InputStream> response = TestHttp.client(proxy).send(
                    get(proxy, blobPath(layerDigest)).timeout(TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            Read body = readAll(response.body());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(body.failure()).isInstanceOf(IOException.class);
            assertThat(body.bytes().length).isLessThanOrEqualTo(layer.length / 2);
            assertNextBlobGetSucceeds(proxy);
            assertThat(proxy.injected()).isEqualTo(Map.of(Fault.RESET_IN_BODY, 1));
        }
    }

    @Test
    void stall_in_body_runs_into_the_client_read_timeout() throws Exception {
        try (FaultProxy proxy = FaultProxy.in(registry, 1).stallMillis(5_000)) {
            proxy.inject(Fault.STALL_IN_BODY, "GET /v2/.+/blobs/.*", 1);
            HttpURLConnection connection = (HttpURLConnection) proxy.baseUri().resolve(blobPath(layerDigest))
                    .toURL().openConnection(Proxy.NO_PROXY);
            connection.setReadTimeout(1_000);
            int status = connection.getResponseCode();
            long length = connection.getContentLengthLong();
            long start = System.nanoTime();
            Read body = readAll(connection.getInputStream());
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            connection.disconnect();

            assertThat(status).isEqualTo(200);
            assertThat(length).isEqualTo(layer.length);
            assertThat(body.failure()).isInstanceOf(SocketTimeoutException.class);
            assertThat(body.bytes()).hasSize(layer.length / 2);
            assertThat(waited).isBetween(Duration.ofMillis(900), Duration.ofMillis(4_000));
            assertNextBlobGetSucceeds(proxy);
            assertThat(proxy.injected()).isEqualTo(Map.of(Fault.STALL_IN_BODY, 1));
        }
    }

    @Test
    void truncated_body_ends_before_its_content_length() throws Exception {
        try (FaultProxy proxy = FaultProxy.in(registry, 1)) {
            proxy.inject(Fault.TRUNCATED_BODY, "GET /v2/.+/blobs/.*", 1);
            HttpResponse<InputStream> response = TestHttp.client(proxy).send(
                    get(proxy, blobPath(layerDigest)).timeout(TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            Read body = readAll(response.body());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(layer.length);
            assertThat(body.failure()).isInstanceOf(IOException.class);
            assertThat(body.bytes().length).isLessThanOrEqualTo(layer.length / 2);
            assertNextBlobGetSucceeds(proxy);
            assertThat(proxy.injected()).isEqualTo(Map.of(Fault.TRUNCATED_BODY, 1));
        }
    }

    @Test
    void wrong_bytes_keep_the_length_and_change_one_byte() throws Exception {
        try (FaultProxy proxy = FaultProxy.in(registry, 1)) {
            proxy.inject(Fault.WRONG_BYTES, "GET /v2/.+/blobs/.*", 1);
            HttpResponse<byte[]> response = send(proxy, get(proxy, blobPath(layerDigest)));
            List<Integer> differences = new ArrayList<>();
            for (int i = 0; i < layer.length; i++) {
                if (response.body()[i] != layer[i]) {
                    differences.add(i);
                }
            }

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).hasSize(layer.length);
            assertThat(Digests.sha256(response.body())).isNotEqualTo(layerDigest);
            assertThat(differences).containsExactly(layer.length / 2);
            assertNextBlobGetSucceeds(proxy);
            assertThat(proxy.injected()).isEqualTo(Map.of(Fault.WRONG_BYTES, 1));
        }
    }

    @Test
    void a_body_fault_rule_lets_head_requests_pass_and_waits_for_a_get() throws Exception {
        try (FaultProxy proxy = FaultProxy.in(registry, 1)) {
            proxy.inject(Fault.WRONG_BYTES, ".* /v2/.+/blobs/.*", 1);
            HttpResponse<byte[]> head = send(proxy, HttpRequest.newBuilder(uri(proxy, blobPath(layerDigest)))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()));
            HttpResponse<byte[]> get = send(proxy, get(proxy, blobPath(configDigest)));

            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(layer.length);
            assertThat(Digests.sha256(get.body())).isNotEqualTo(configDigest);
            assertThat(proxy.requestLog()).extracting(LoggedRequest::fault).containsExactly(null, Fault.WRONG_BYTES);
        }
    }

    // ------------------------------------------------------------------ seeded rate

    @Test
    void the_same_seed_injects_the_same_faults_into_the_same_requests() {
        List<LoggedRequest> first = runRandomFaults(42);
        List<LoggedRequest> second = runRandomFaults(42);

        assertThat(first).hasSizeGreaterThanOrEqualTo(40).isEqualTo(second);
        assertThat(first).extracting(LoggedRequest::fault).contains((Fault) null)
                .filteredOn(fault -> fault != null).hasSizeGreaterThan(5);
    }

    @Test
    void kinds_restrict_what_the_rate_injects_and_reset_stops_it() throws Exception {
        try (FaultProxy proxy = FaultProxy.in(registry, 1).rate(1).kinds(Fault.STATUS_503)) {
            HttpRequest.Builder head = HttpRequest.newBuilder(uri(proxy, blobPath(configDigest)))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody());
            int headWith503 = send(proxy, head).statusCode();
            int getWith503 = send(proxy, get(proxy, blobPath(configDigest))).statusCode();
            proxy.kinds(Fault.WRONG_BYTES);
            int headWithoutApplicableKind = send(proxy, head).statusCode();
            byte[] getWithWrongBytes = send(proxy, get(proxy, blobPath(configDigest))).body();
            proxy.reset();

            assertThat(headWith503).isEqualTo(503);
            assertThat(getWith503).isEqualTo(503);
            assertThat(headWithoutApplicableKind).isEqualTo(200);
            assertThat(Digests.sha256(getWithWrongBytes)).isNotEqualTo(configDigest);
            assertNextBlobGetSucceeds(proxy);
            assertThat(proxy.injected()).isEqualTo(Map.of(Fault.STATUS_503, 2, Fault.WRONG_BYTES, 1));
            assertThat(proxy.requests()).isEqualTo(5);
        }
    }

    /** Sends 40 requests one after another through a proxy at rate 0.5; returns its log. */
    private static List<LoggedRequest> runRandomFaults(long seed) {
        try (FaultProxy proxy = FaultProxy.in(registry, seed).rate(0.5).stallMillis(50)) {
            HttpClient client = TestHttp.client(proxy);
            List<String> paths = List.of("/v2/", "/v2/" + REPOSITORY + "/manifests/v1", blobPath(configDigest),
                    blobPath(layerDigest));
            for (int i = 0; i < 40; i++) {
                HttpRequest.Builder request = get(proxy, paths.get(i % paths.size()));
                if (i % 5 == 4) {
                    request.method("HEAD", HttpRequest.BodyPublishers.noBody());
                }
                try {
                    send(client, request);
                } catch (IOException e) {
                    // a reset or a cut body: the fault did its job
                }
            }
            assertThat(proxy.injected().values().stream().mapToInt(Integer::intValue).sum())
                    .isEqualTo(proxy.requestLog().stream().filter(r -> r.fault() != null).count())
                    .isGreaterThan(0);
            return proxy.requestLog();
        }
    }

    // ------------------------------------------------------------------ TLS probe

    @Test
    void a_tls_handshake_gets_400_at_once() throws Exception {
        try (FaultProxy proxy = FaultProxy.in(registry, 1);
             Socket socket = new Socket("127.0.0.1", proxy.baseUri().getPort())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x00, 0x05});

            assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                    .startsWith("HTTP/1.0 400 Bad Request\r\n");
            assertThat(proxy.requests()).isZero();
        }
    }

    // ------------------------------------------------------------------ helpers

    /** GETs {@code path} on a new connection with a bare socket, so no client library retries. */
    private static Read rawGet(FaultProxy proxy, String path) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", proxy.baseUri().getPort())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + proxy.host()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return readAll(socket.getInputStream());
        }
    }

    /** What a body read got before it ended or failed. */
    private record Read(byte[] bytes, IOException failure) {
    }

    private static Read readAll(InputStream in) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try (in) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                bytes.write(buffer, 0, n);
            }
            return new Read(bytes.toByteArray(), null);
        } catch (IOException e) {
            return new Read(bytes.toByteArray(), e);
        }
    }

    private static void assertNextBlobGetSucceeds(FaultProxy proxy) throws Exception {
        HttpResponse<byte[]> response = send(proxy, get(proxy, blobPath(layerDigest)));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Digests.sha256(response.body())).isEqualTo(layerDigest);
    }

    /** POSTs a new upload session through the proxy; returns its Location. */
    private static String startUpload(FaultProxy proxy) throws Exception {
        HttpResponse<byte[]> response = send(proxy, HttpRequest.newBuilder(
                        uri(proxy, "/v2/" + REPOSITORY + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(response.statusCode()).isEqualTo(202);
        return response.headers().firstValue("Location").orElseThrow();
    }

    /** A PATCH of {@code blob} of unknown length (so sent chunked), asking for 100 Continue first. */
    private static HttpRequest.Builder chunkedPatch(String location, byte[] blob) {
        return HttpRequest.newBuilder(URI.create(location))
                .expectContinue(true)
                .header("Content-Type", "application/octet-stream")
                .method("PATCH", HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(blob)));
    }

    private static URI withDigest(String location, String digest) {
        return URI.create(location + (location.contains("?") ? "&" : "?") + "digest=" + digest);
    }

    private static String blobPath(String digest) {
        return "/v2/" + REPOSITORY + "/blobs/" + digest;
    }

    private static URI uri(FaultProxy proxy, String path) {
        return proxy.baseUri().resolve(path);
    }

    private static HttpRequest.Builder get(FaultProxy proxy, String path) {
        return HttpRequest.newBuilder(uri(proxy, path));
    }

    private static HttpResponse<byte[]> send(FaultProxy proxy, HttpRequest.Builder request) throws Exception {
        return send(TestHttp.client(proxy), request);
    }

    private static HttpResponse<byte[]> send(HttpClient client, HttpRequest.Builder request) throws IOException {
        try {
            return client.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random().nextBytes(bytes);
        return bytes;
    }
}

package dev.imagesyncer.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Tests of the harness itself, against real registries and skopeo. */
class HarnessSelfTest {

    @RegisterExtension
    static final RegistryExtension open = RegistryExtension.open();
    @RegisterExtension
    static final RegistryExtension basic = RegistryExtension.basicAuth("basic-user", "basic-Pa55");
    @RegisterExtension
    static final RegistryExtension basicTls = RegistryExtension.basicAuthTls("tls-user", "tls-Pa55");
    @RegisterExtension
    static final RegistryExtension token = RegistryExtension.tokenAuth();
    @RegisterExtension
    static final RegistryExtension tokenWithUser = RegistryExtension.tokenAuth("token-user", "token-Pa55");
    @RegisterExtension
    static final RegistryExtension schema1 = RegistryExtension.open().withSchema1();

    private static final Pattern LINK = Pattern.compile("^<([^>]+)>; rel=\"next\"$");

    // ------------------------------------------------------------------ each flavour starts and answers

    @Test
    void open_registry_answers_200_without_credentials() throws Exception {
        HttpResponse<String> response = get(open, "/v2/");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Docker-Distribution-Api-Version")).hasValue("registry/2.0");
        assertThat(open.baseUri()).hasToString("http://" + open.host());
        assertThat(open.host()).matches("127\\.0\\.0\\.1:\\d+");
        assertThat(open.isTls()).isFalse();
        assertThat(open.storageDir()).isDirectory();
        assertThat(Files.readString(open.logFile())).contains("listening on " + open.host());
    }

    @Test
    void several_registries_run_at_once_on_different_ports_and_storage() {
        List<RegistryExtension> all = List.of(open, basic, basicTls, token, tokenWithUser, schema1);

        assertThat(all).allMatch(RegistryExtension::isRunning);
        assertThat(all.stream().map(RegistryExtension::host).distinct()).hasSize(all.size());
        assertThat(all.stream().map(RegistryExtension::storageDir).distinct()).hasSize(all.size());
    }

    @Test
    void basic_auth_challenges_with_basic_and_accepts_only_the_right_password() throws Exception {
        HttpResponse<String> anonymous = get(basic, "/v2/");
        HttpResponse<String> wrong = get(basic, "/v2/", "Authorization", basicHeader("basic-user", "nope"));
        HttpResponse<String> right = get(basic, "/v2/", "Authorization", basicHeader("basic-user", "basic-Pa55"));

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"test-registry\"");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(right.statusCode()).isEqualTo(200);
    }

    @Test
    void basic_auth_over_tls_is_trusted_through_the_ca_file_alone() throws Exception {
        X509Certificate certificate;
        try (var in = Files.newInputStream(basicTls.caFile())) {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        HttpClient trusting = TestHttp.client(basicTls.caFile());
        URI localhost = URI.create("https://localhost:" + basicTls.baseUri().getPort() + "/v2/");

        assertThat(basicTls.isTls()).isTrue();
        assertThat(basicTls.baseUri()).hasToString("https://" + basicTls.host());
        assertThat(certificate.getBasicConstraints()).as("CA:TRUE").isGreaterThanOrEqualTo(0);
        assertThat(certificate.getSubjectAlternativeNames().stream().map(san -> String.valueOf(san.get(1))))
                .containsExactlyInAnyOrder("127.0.0.1", "localhost");
        assertThat(get(basicTls, "/v2/").statusCode()).isEqualTo(401);
        assertThat(get(basicTls, "/v2/", "Authorization", basicHeader("tls-user", "tls-Pa55")).statusCode())
                .isEqualTo(200);
        assertThat(trusting.send(HttpRequest.newBuilder(localhost).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode()).as("DNS:localhost is in the certificate too").isEqualTo(401);
        assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                basicTls.baseUri().resolve("/v2/")).build(), HttpResponse.BodyHandlers.discarding()))
                .as("the JDK's default trust store does not know the test CA")
                .isInstanceOf(SSLException.class);
    }

    @Test
    void token_auth_challenges_with_the_token_server_and_accepts_its_tokens() throws Exception {
        TokenServer tokens = token.tokenServer();
        tokens.clearRequests();
        HttpResponse<String> root = get(token, "/v2/");
        HttpResponse<String> manifest = get(token, "/v2/harness/challenge/manifests/latest");
        String challengeScope = Json.stringValue("{\"scope\":" + manifest.headers().firstValue("WWW-Authenticate")
                .orElseThrow().replaceAll(".*scope=", "") + "}", "scope");
        HttpResponse<String> tokenReply = send(HttpRequest.newBuilder(URI.create(tokens.realm() + "?service="
                + tokens.service() + "&scope=" + URLEncoder.encode(challengeScope, StandardCharsets.UTF_8))));
        String jwt = Json.stringValue(tokenReply.body(), "token");

        assertThat(root.statusCode()).isEqualTo(401);
        assertThat(root.headers().firstValue("WWW-Authenticate"))
                .hasValue("Bearer realm=\"" + tokens.realm() + "\",service=\"test-registry\"");
        assertThat(challengeScope).isEqualTo("repository:harness/challenge:pull");
        assertThat(tokenReply.statusCode()).isEqualTo(200);
        assertThat(tokens.requests()).containsExactly(
                new TokenServer.TokenRequest(null, Set.of("repository:harness/challenge:pull")));
        assertThat(get(token, "/v2/", "Authorization", "Bearer " + jwt).statusCode()).isEqualTo(200);
        assertThat(get(token, "/v2/harness/challenge/manifests/latest", "Authorization", "Bearer " + jwt)
                .statusCode()).as("past auth: the manifest is just unknown").isEqualTo(404);
    }

    // ------------------------------------------------------------------ token server

    @Test
    void token_server_splits_scopes_records_them_and_denies_what_it_is_told() throws Exception {
        TokenServer tokens = token.tokenServer();
        tokens.clearRequests();
        tokens.denyAction("harness/denied", "push");
        tokens.expiresInSeconds(42);
        try {
            HttpResponse<String> reply = requestToken(tokens, null, "repository:harness/denied:pull,push",
                    "repository:harness/allowed:pull,push repository:harness/other:pull");
            String jwt = Json.stringValue(reply.body(), "token");
            String claims = TokenServer.claimsJson(jwt);

            assertThat(reply.statusCode()).isEqualTo(200);
            assertThat(Json.stringValue(reply.body(), "access_token")).isEqualTo(jwt);
            assertThat(Json.longValue(reply.body(), "expires_in")).isEqualTo(42);
            assertThat(Json.stringValue(reply.body(), "issued_at")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
            assertThat(tokens.requests()).containsExactly(new TokenServer.TokenRequest(null, Set.of(
                    "repository:harness/denied:pull,push", "repository:harness/allowed:pull,push",
                    "repository:harness/other:pull")));
            assertThat(TokenServer.grantedScopes(jwt)).containsExactly("repository:harness/denied:pull",
                    "repository:harness/allowed:pull,push", "repository:harness/other:pull");
            assertThat(Json.longValue(claims, "exp") - Json.longValue(claims, "iat")).isEqualTo(42);
            assertThat(Json.stringValue(claims, "aud")).isEqualTo("test-registry");
            assertThat(Json.stringValue(claims, "iss")).isEqualTo("test-token-issuer");
            assertThat(Json.stringValue(claims, "sub")).isEqualTo("anonymous");

            HttpResponse<String> deniedPush = post(token, "/v2/harness/denied/blobs/uploads/", "Bearer " + jwt);
            assertThat(deniedPush.statusCode()).isEqualTo(401);
            assertThat(deniedPush.headers().firstValue("WWW-Authenticate").orElseThrow())
                    .contains("error=\"insufficient_scope\"");
            assertThat(post(token, "/v2/harness/allowed/blobs/uploads/", "Bearer " + jwt).statusCode())
                    .isEqualTo(202);
            assertThat(requestToken(tokens, null, "repository:x:pull").statusCode()).isEqualTo(200);
            assertThat(send(HttpRequest.newBuilder(URI.create(tokens.realm() + "?service=other")))
                    .statusCode()).as("unknown service").isEqualTo(400);
        } finally {
            tokens.clearDenials();
            tokens.expiresInSeconds(300);
        }
    }

    @Test
    void token_server_with_a_user_refuses_anonymous_and_wrong_passwords() throws Exception {
        TokenServer tokens = tokenWithUser.tokenServer();
        tokens.clearRequests();

        HttpResponse<String> anonymous = requestToken(tokens, null, "repository:harness/a:pull");
        HttpResponse<String> wrong = requestToken(tokens, basicHeader("token-user", "wrong"), "repository:harness/a:pull");
        HttpResponse<String> right = requestToken(tokens, basicHeader("token-user", "token-Pa55"),
                "repository:harness/a:pull");

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(right.statusCode()).isEqualTo(200);
        assertThat(Json.stringValue(TokenServer.claimsJson(Json.stringValue(right.body(), "token")), "sub"))
                .isEqualTo("token-user");
        assertThat(tokens.requests()).extracting(TokenServer.TokenRequest::username)
                .containsExactly(null, "token-user", "token-user");
    }

    // ------------------------------------------------------------------ seeder and skopeo

    static Stream<RegistryExtension> flavours() {
        return Stream.of(open, basic, basicTls, token, tokenWithUser);
    }

    @ParameterizedTest
    @MethodSource("flavours")
    void seeder_pushes_and_skopeo_reads_back_the_same_bytes_in_every_flavour(RegistryExtension registry) {
        TestImage image = TestImages.dockerV2(2, 1024);
        RegistrySeeder seeder = RegistrySeeder.of(registry);

        String digest = seeder.push("harness/flavour", "v1", image);

        assertThat(digest).isEqualTo(image.digest());
        assertThat(Skopeo.inspectRaw(registry, "harness/flavour:v1")).isEqualTo(image.manifest());
        assertThat(Skopeo.inspectRaw(registry, "harness/flavour@" + image.digest())).isEqualTo(image.manifest());
        assertThat(Skopeo.listTags(registry, "harness/flavour")).contains("v1");
        assertThat(seeder.fetchManifest("harness/flavour", "v1")).hasValueSatisfying(
                bytes -> assertThat(bytes).isEqualTo(image.manifest()));
        assertThat(image.blobs().keySet()).allMatch(blob -> seeder.blobExists("harness/flavour", blob));
        assertThat(seeder.blobExists("harness/flavour", Digests.sha256(new byte[] {1}))).isFalse();
    }

    @Test
    void every_manifest_kind_is_stored_and_served_byte_for_byte() throws Exception {
        RegistrySeeder seeder = RegistrySeeder.of(open);
        Map<String, TestImage> images = Map.of(
                "docker-v2", TestImages.dockerV2(2, 512),
                "oci-manifest", TestImages.ociManifest(3, 256),
                "docker-list", TestImages.dockerManifestList(1, 512),
                "oci-index", TestImages.ociIndex(2, 128));

        for (Map.Entry<String, TestImage> entry : images.entrySet()) {
            String repository = "harness/" + entry.getKey();
            TestImage image = entry.getValue();

            assertThat(seeder.push(repository, "v1", image)).isEqualTo(image.digest());
            assertThat(Skopeo.inspectRaw(open, repository + ":v1")).as(repository).isEqualTo(image.manifest());
            for (TestImage child : image.children()) {
                assertThat(Skopeo.inspectRaw(open, repository + "@" + child.digest())).isEqualTo(child.manifest());
            }
            for (Map.Entry<String, byte[]> blob : image.allBlobs().entrySet()) {
                HttpResponse<byte[]> served = TestHttp.client(open).send(HttpRequest.newBuilder(
                        open.baseUri().resolve("/v2/" + repository + "/blobs/" + blob.getKey())).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertThat(served.body()).isEqualTo(blob.getValue());
                assertThat(Digests.sha256(served.body())).isEqualTo(blob.getKey());
            }
        }
        TestImage list = images.get("docker-list");
        assertThat(list.mediaType()).isEqualTo(TestImages.DOCKER_MANIFEST_LIST);
        assertThat(list.children()).extracting(TestImage::mediaType).containsOnly(TestImages.DOCKER_MANIFEST_V2);
        assertThat(list.manifestText()).contains("\"architecture\": \"amd64\"", "\"architecture\": \"arm64\"",
                "\"variant\": \"v8\"");
        assertThat(images.get("oci-index").children()).extracting(TestImage::mediaType)
                .containsOnly(TestImages.OCI_MANIFEST);
        assertThat(images.get("docker-v2").allBlobs()).hasSize(3);
    }

    @Test
    void seeded_images_are_reproducible() {
        TestImage first = TestImages.seeded(7).ociIndex(2, 100);
        TestImage again = TestImages.seeded(7).ociIndex(2, 100);

        assertThat(again.manifest()).isEqualTo(first.manifest());
        assertThat(again.digest()).isEqualTo(first.digest());
        assertThat(TestImages.seeded(8).ociIndex(2, 100).digest()).isNotEqualTo(first.digest());
        assertThat(TestImages.seeded(7).dockerSchema1("a/b", "t", 1, 10).digest())
                .isEqualTo(TestImages.seeded(7).dockerSchema1("a/b", "t", 1, 10).digest());
    }

    @Test
    void signed_schema1_needs_the_compatibility_switch_and_comes_back_signed_again() {
        TestImage image = TestImages.dockerSchema1("harness/schema1", "v1", 2, 256);

        String digest = RegistrySeeder.of(schema1).push("harness/schema1", "v1", image);
        byte[] served = Skopeo.inspectRaw(schema1, "harness/schema1:v1");

        assertThat(digest).isEqualTo(image.digest())
                .isEqualTo(Digests.sha256(TestImages.schema1Payload(image.manifest())));
        assertThat(TestImages.schema1Payload(served)).isEqualTo(TestImages.schema1Payload(image.manifest()));
        assertThat(served).as("the registry signs it again with its own key").isNotEqualTo(image.manifest());
        assertThat(Skopeo.inspectRaw(schema1, "harness/schema1@" + image.digest())).isNotEmpty();
        assertThatThrownBy(() -> RegistrySeeder.of(open).push("harness/schema1", "v1", image))
                .as("schema1 disabled (the default)").hasMessageContaining("answered 500");
        byte[] unsigned = TestImages.schema1Payload(image.manifest());
        assertThatThrownBy(() -> RegistrySeeder.of(schema1).pushManifest("harness/schema1", "unsigned",
                TestImages.DOCKER_SCHEMA1, unsigned))
                .as("unsigned schema1 is refused even when enabled").hasMessageContaining("MANIFEST_INVALID");
    }

    @Test
    void skopeo_copies_every_platform_of_a_list_into_a_token_registry() {
        TestImage list = TestImages.dockerManifestList(1, 256);
        RegistrySeeder.of(open).push("harness/copy-src", "v1", list);

        Skopeo.copy(open, "harness/copy-src:v1", tokenWithUser, "harness/copy-dst:v1", "--all",
                "--preserve-digests");

        assertThat(Skopeo.inspectRaw(tokenWithUser, "harness/copy-dst:v1")).isEqualTo(list.manifest());
        for (TestImage child : list.children()) {
            assertThat(Skopeo.inspectRaw(tokenWithUser, "harness/copy-dst@" + child.digest()))
                    .isEqualTo(child.manifest());
        }
        assertThat(tokenWithUser.tokenServer().requests()).extracting(TokenServer.TokenRequest::username)
                .contains("token-user");
    }

    // ------------------------------------------------------------------ front

    @Test
    void front_paginates_a_120_tag_list_with_link_headers() throws Exception {
        List<String> tags = IntStream.range(0, 120).mapToObj(i -> "t" + i).toList();
        RegistrySeeder.of(open).pushTags("harness/many", TestImages.dockerV2(1, 16), tags);
        assertThat(Json.stringArrayValue(get(open, "/v2/harness/many/tags/list?n=50").body(), "tags"))
                .as("the real registry ignores n").hasSize(120);

        try (RegistryFront front = RegistryFront.of(open).paginateTags(50)) {
            List<String> seen = new ArrayList<>();
            List<Integer> pageSizes = new ArrayList<>();
            String next = "/v2/harness/many/tags/list";
            while (next != null) {
                HttpResponse<String> page = get(front, next);
                assertThat(page.statusCode()).isEqualTo(200);
                List<String> pageTags = Json.stringArrayValue(page.body(), "tags");
                seen.addAll(pageTags);
                pageSizes.add(pageTags.size());
                next = page.headers().firstValue("Link").map(link -> {
                    Matcher matcher = LINK.matcher(link);
                    assertThat(matcher.matches()).as(link).isTrue();
                    return matcher.group(1);
                }).orElse(null);
                if (next != null) {
                    assertThat(next).isEqualTo("/v2/harness/many/tags/list?n=50&last="
                            + pageTags.get(pageTags.size() - 1));
                }
            }

            assertThat(pageSizes).containsExactly(50, 50, 20);
            assertThat(seen).isSorted().doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(tags);
            assertThat(Json.stringArrayValue(get(front, "/v2/harness/many/tags/list?n=7&last=t5").body(), "tags"))
                    .containsExactly("t50", "t51", "t52", "t53", "t54", "t55", "t56");
            assertThat(Skopeo.listTags(front, "harness/many")).as("skopeo follows the Link headers")
                    .containsExactlyInAnyOrderElementsOf(tags);
            assertThat(front.requests()).filteredOn(r -> r.path().endsWith("/tags/list")).hasSizeGreaterThan(5);
        }
    }

    @Test
    void front_forwards_streams_and_records_and_rewrites_upload_locations() throws Exception {
        TestImage image = TestImages.dockerV2(1, 200_000);
        try (RegistryFront front = RegistryFront.of(basic)) {
            RegistrySeeder.of(front).push("harness/front", "v1", image);
            String layer = image.blobs().keySet().stream().skip(1).findFirst().orElseThrow();
            HttpResponse<String> started = post(front, "/v2/harness/front/blobs/uploads/",
                    basic.adminAuthorization("harness/front"));
            HttpResponse<String> head = send(HttpRequest.newBuilder(front.baseUri().resolve(
                    "/v2/harness/front/blobs/" + layer)).method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .header("Authorization", basic.adminAuthorization("harness/front")));
            HttpResponse<String> unauthorized = get(front, "/v2/harness/front/manifests/v1");
            byte[] chunk = TestImages.seeded(1).dockerV2(1, 70_000).blobs().values().iterator().next();
            URI session = front.baseUri().resolve(started.headers().firstValue("Location").orElseThrow());
            HttpResponse<String> patched = TestHttp.client(front).send(HttpRequest.newBuilder(session)
                    .method("PATCH", HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(chunk)))
                    .header("Authorization", basic.adminAuthorization("harness/front"))
                    .header("Content-Type", "application/octet-stream").build(), HttpResponse.BodyHandlers.ofString());
            URI finish = front.baseUri().resolve(patched.headers().firstValue("Location").orElseThrow());
            HttpResponse<String> committed = TestHttp.client(front).send(HttpRequest.newBuilder(URI.create(
                    finish + "&digest=" + Digests.sha256(chunk))).PUT(HttpRequest.BodyPublishers.noBody())
                    .header("Authorization", basic.adminAuthorization("harness/front")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(Skopeo.inspectRaw(basic, "harness/front:v1")).isEqualTo(image.manifest());
            assertThat(Skopeo.inspectRaw(front, "harness/front:v1")).isEqualTo(image.manifest());
            assertThat(started.statusCode()).isEqualTo(202);
            assertThat(started.headers().firstValue("Location").orElseThrow())
                    .startsWith(front.baseUri() + "/v2/harness/front/blobs/uploads/");
            assertThat(patched.statusCode()).as("chunked PATCH streamed through").isEqualTo(202);
            assertThat(patched.headers().firstValue("Range")).hasValue("0-" + (chunk.length - 1));
            assertThat(finish.toString()).startsWith(front.baseUri().toString());
            assertThat(committed.statusCode()).isEqualTo(201);
            assertThat(RegistrySeeder.of(basic).blobExists("harness/front", Digests.sha256(chunk))).isTrue();
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.headers().firstValue("Content-Length")).hasValue("200000");
            assertThat(head.headers().firstValue("Docker-Content-Digest")).hasValue(layer);
            assertThat(unauthorized.statusCode()).isEqualTo(401);
            assertThat(unauthorized.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"test-registry\"");
            assertThat(front.requests()).contains(
                    new RegistryFront.RecordedRequest("GET", "/v2/harness/front/manifests/v1", null, false),
                    new RegistryFront.RecordedRequest("HEAD", "/v2/harness/front/blobs/" + layer, null, true));
            assertThat(front.requests()).filteredOn(r -> r.method().equals("PUT")).isNotEmpty()
                    .allMatch(RegistryFront.RecordedRequest::hadAuthorization);
        }
    }

    @Test
    void front_redirects_blob_gets_to_another_host_that_needs_no_credentials() throws Exception {
        TestImage image = TestImages.dockerV2(1, 5000);
        RegistrySeeder.of(basic).push("harness/redirect", "v1", image);
        String layer = image.blobs().keySet().stream().skip(1).findFirst().orElseThrow();
        String path = "/v2/harness/redirect/blobs/" + layer;
        try (RegistryFront front = RegistryFront.of(basic).redirectBlobGets()) {
            HttpResponse<String> anonymous = get(front, path);
            HttpResponse<String> redirect = get(front, path, "Authorization", basic.adminAuthorization("x"));
            URI location = URI.create(redirect.headers().firstValue("Location").orElseThrow());
            HttpResponse<byte[]> target = TestHttp.client((Path) null).send(HttpRequest.newBuilder(location).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            HttpResponse<String> unsigned = send(HttpRequest.newBuilder(URI.create(location.toString()
                    .replaceAll("\\?.*", ""))));

            assertThat(anonymous.statusCode()).as("no redirect before authentication").isEqualTo(401);
            assertThat(redirect.statusCode()).isEqualTo(307);
            assertThat(location.getHost()).isEqualTo("localhost");
            assertThat(location.getPort()).isNotEqualTo(front.baseUri().getPort());
            assertThat(target.statusCode()).isEqualTo(200);
            assertThat(target.body()).isEqualTo(image.blobs().get(layer));
            assertThat(unsigned.statusCode()).isEqualTo(403);
            assertThat(front.redirectTargetRequests()).hasSize(2).noneMatch(RegistryFront.RecordedRequest::hadAuthorization)
                    .allMatch(r -> r.path().equals(path));
        }
    }

    @Test
    void front_loops_redirects_corrupts_blobs_and_injects_failures_on_demand() throws Exception {
        TestImage image = TestImages.dockerV2(1, 4096);
        RegistrySeeder.of(open).push("harness/misbehave", "v1", image);
        String layer = image.blobs().keySet().stream().skip(1).findFirst().orElseThrow();
        String path = "/v2/harness/misbehave/blobs/" + layer;
        try (RegistryFront front = RegistryFront.of(open)) {
            front.redirectLoop();
            HttpResponse<String> loop = get(front, path);
            assertThat(loop.statusCode()).isEqualTo(307);
            assertThat(loop.headers().firstValue("Location")).hasValue(front.baseUri() + path);

            front.reset().corruptBlob(layer);
            HttpResponse<byte[]> corrupt = TestHttp.client(front).send(HttpRequest.newBuilder(
                    front.baseUri().resolve(path)).build(), HttpResponse.BodyHandlers.ofByteArray());
            byte[] expected = image.blobs().get(layer);
            assertThat(corrupt.statusCode()).isEqualTo(200);
            assertThat(corrupt.headers().firstValue("Docker-Content-Digest")).hasValue(layer);
            assertThat(corrupt.body()).hasSameSizeAs(expected).isNotEqualTo(expected);
            assertThat(IntStream.range(0, expected.length).filter(i -> corrupt.body()[i] != expected[i]).count())
                    .isEqualTo(1);
            assertThat(Arrays.equals(Arrays.copyOfRange(corrupt.body(), 1, expected.length),
                    Arrays.copyOfRange(expected, 1, expected.length))).isTrue();

            front.reset().failNext(503, 2).failNext(429, 1, "GET /v2/.*/manifests/.*");
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> response = get(front, "/v2/");
                statuses.add(response.statusCode());
                if (response.statusCode() == 503) {
                    assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
                }
            }
            HttpResponse<String> throttled = get(front, "/v2/harness/misbehave/manifests/v1");
            assertThat(statuses).containsExactly(503, 503, 200);
            assertThat(throttled.statusCode()).isEqualTo(429);
            assertThat(throttled.body()).contains("TOOMANYREQUESTS");
            assertThat(get(front, "/v2/harness/misbehave/manifests/v1", "Accept", TestImages.DOCKER_MANIFEST_V2)
                    .body().getBytes(StandardCharsets.UTF_8)).isEqualTo(image.manifest());
        }
    }

    // ------------------------------------------------------------------ lifecycle

    @Test
    void close_stops_the_registry_and_deletes_its_directory() {
        RegistryExtension registry = RegistryExtension.open();
        registry.start();
        Path dir = registry.storageDir().getParent();
        assertThat(registry.isRunning()).isTrue();

        registry.close();

        assertThat(registry.isRunning()).isFalse();
        assertThat(dir).doesNotExist();
        registry.close(); // twice is harmless
    }

    // ------------------------------------------------------------------ helpers

    private static HttpResponse<String> get(RegistryEndpoint endpoint, String path, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint.baseUri().resolve(path));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return TestHttp.client(endpoint).send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(RegistryEndpoint endpoint, String path, String authorization)
            throws IOException, InterruptedException {
        return TestHttp.client(endpoint).send(HttpRequest.newBuilder(endpoint.baseUri().resolve(path))
                .POST(HttpRequest.BodyPublishers.noBody()).header("Authorization", authorization).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return TestHttp.client((Path) null).send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> requestToken(TokenServer tokens, String authorization, String... scopes)
            throws IOException, InterruptedException {
        StringBuilder query = new StringBuilder("?service=" + tokens.service());
        for (String scope : scopes) {
            query.append("&scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(tokens.realm() + query.toString()));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return send(request);
    }

    private static String basicHeader(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

}

package dev.imagesyncer.registry;

import dev.imagesyncer.copy.CopyOptions;
import dev.imagesyncer.copy.CopyResult;
import dev.imagesyncer.copy.ImageCopier;
import dev.imagesyncer.registry.auth.Credentials;
import dev.imagesyncer.testing.RegistryClients;
import dev.imagesyncer.testing.RegistryEndpoint;
import dev.imagesyncer.testing.RegistryExtension;
import dev.imagesyncer.testing.RegistryFront;
import dev.imagesyncer.testing.RegistrySeeder;
import dev.imagesyncer.testing.Skopeo;
import dev.imagesyncer.testing.TestImage;
import dev.imagesyncer.testing.TestImages;
import dev.imagesyncer.testing.TokenServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Basic auth over TLS, Docker token auth, and redirects, against real registries. */
class RegistryAuthIT {

    private static final String PASSWORD = "s3cret-Pa55";

    @RegisterExtension
    static final RegistryExtension open = RegistryExtension.open();
    @RegisterExtension
    static final RegistryExtension basicTls = RegistryExtension.basicAuthTls("alice", PASSWORD);
    @RegisterExtension
    static final RegistryExtension basic = RegistryExtension.basicAuth("bob", PASSWORD);
    @RegisterExtension
    static final RegistryExtension token = RegistryExtension.tokenAuth("carol", PASSWORD);

    private TokenServer tokens;

    @BeforeEach
    void resetTokenServer() {
        tokens = token.tokenServer();
        tokens.clearRequests();
        tokens.clearDenials();
        tokens.expiresInSeconds(300);
    }

    @Test
    void copies_into_a_basic_auth_registry_over_tls_trusting_its_ca_file() throws Exception {
        TestImage image = TestImages.dockerManifestList(1, 2048);
        RegistrySeeder.of(open).push("lab/basic", "v1", image);

        try (RegistryClient client = RegistryClients.forEndpoints(open, basicTls)) {
            CopyResult result = new ImageCopier(client).copy(ref(open, "lab/basic:v1"), ref(basicTls, "lab/basic"), CopyOptions.DEFAULT);

            assertThat(result.digest()).hasToString(image.digest());
        }
        assertThat(Skopeo.inspectRaw(basicTls, "lab/basic:v1")).isEqualTo(image.manifest());
    }

    @Test
    void a_wrong_password_is_a_permanent_unauthorized_error_that_shows_no_password() throws Exception {
        RegistrySeeder.of(basic).push("lab/locked", "v1", TestImages.dockerV2(1, 64));
        Map<String, Credentials> wrong = Map.of(basic.host(), new Credentials("bob", "not-" + PASSWORD));
        try (RegistryClient client = new RegistryClient(
                RegistryClientSettings.defaults().withInsecureRegistries(Set.of(basic.host())),
                RegistryClients.byHost(wrong))) {

            assertThatThrownBy(() -> client.getManifest(ref(basic, "lab/locked:v1")))
                    .isInstanceOf(PermanentRegistryException.class)
                    .hasMessageContaining(basic.host() + "/lab/locked:v1")
                    .hasMessageNotContaining(PASSWORD)
                    .satisfies(e -> assertThat(((RegistryException) e).code()).isEqualTo(ErrorCode.UNAUTHORIZED));
        }
    }

    @Test
    void an_untrusted_certificate_is_refused_unless_the_registry_is_insecure() throws Exception {
        RegistrySeeder.of(basicTls).push("lab/tls", "v1", TestImages.ociManifest(1, 64));
        Map<String, Credentials> alice = Map.of(basicTls.host(), new Credentials("alice", PASSWORD));
        try (RegistryClient verifying = new RegistryClient(RegistryClientSettings.defaults(),
                RegistryClients.byHost(alice));
             RegistryClient insecure = new RegistryClient(
                     RegistryClientSettings.defaults().withInsecureRegistries(Set.of(basicTls.host())),
                     RegistryClients.byHost(alice))) {

            assertThatThrownBy(() -> verifying.headManifest(ref(basicTls, "lab/tls:v1")))
                    .isInstanceOf(PermanentRegistryException.class)
                    .hasMessageContaining("TLS failed");
            assertThat(insecure.headManifest(ref(basicTls, "lab/tls:v1"))).isPresent();
        }
    }

    @Test
    void token_auth_caches_tokens_per_scope_and_mounts_with_one_token_for_both_repositories() throws Exception {
        TestImage first = TestImages.dockerV2(2, 1024);
        TestImage second = TestImages.ociManifest(2, 1024);
        RegistrySeeder.of(open).push("lab/src", "v1", first);
        RegistrySeeder.of(open).push("lab/src", "v2", second);
        try (RegistryClient client = RegistryClients.forEndpoints(open, token)) {
            ImageCopier copier = new ImageCopier(client);

            copier.copy(ref(open, "lab/src:v1"), ref(token, "lab/tok"), CopyOptions.DEFAULT);
            List<TokenServer.TokenRequest> afterFirst = tokens.requests();
            copier.copy(ref(open, "lab/src:v2"), ref(token, "lab/tok"), CopyOptions.DEFAULT);
            List<TokenServer.TokenRequest> afterSecond = tokens.requests();

            assertThat(afterFirst).isNotEmpty().allSatisfy(r -> assertThat(r.username()).isEqualTo("carol"));
            assertThat(afterFirst).extracting(TokenServer.TokenRequest::scopes)
                    .contains(Set.of("repository:lab/tok:pull"), Set.of("repository:lab/tok:pull,push"));
            assertThat(afterSecond).as("the second image reuses the cached tokens").hasSameSizeAs(afterFirst);

            tokens.clearRequests();
            CopyResult mounted = copier.copy(ref(token, "lab/tok:v1"), ref(token, "lab/tok-mirror"), CopyOptions.DEFAULT);

            assertThat(mounted.blobsMounted()).isEqualTo(first.blobs().size());
            assertThat(tokens.requests()).extracting(TokenServer.TokenRequest::scopes)
                    .contains(Set.of("repository:lab/tok-mirror:pull,push", "repository:lab/tok:pull"));
        }
        assertThat(Skopeo.inspectRaw(token, "lab/tok:v2")).isEqualTo(second.manifest());
        assertThat(Skopeo.inspectRaw(token, "lab/tok-mirror:v1")).isEqualTo(first.manifest());
    }

    @Test
    void an_expired_token_is_renewed() throws Exception {
        RegistrySeeder.of(token).push("lab/short", "v1", TestImages.dockerV2(1, 64));
        tokens.expiresInSeconds(5); // renewed a fifth of its life before it expires: after 4 s
        try (RegistryClient client = RegistryClients.forEndpoints(token)) {
            client.headManifest(ref(token, "lab/short:v1"));
            int fetched = tokens.requests().size();
            client.headManifest(ref(token, "lab/short:v1"));
            assertThat(tokens.requests()).as("still fresh: cached").hasSize(fetched);

            Thread.sleep(4200);
            assertThat(client.headManifest(ref(token, "lab/short:v1"))).isPresent();
            assertThat(tokens.requests()).as("within the renewal margin: fetched again").hasSize(fetched + 1);
        }
    }

    @Test
    void a_denied_push_is_permanent_and_names_the_repository() throws Exception {
        RegistrySeeder.of(open).push("lab/denied", "v1", TestImages.dockerV2(1, 64));
        tokens.denyAction("lab/denied", "push");
        try (RegistryClient client = RegistryClients.forEndpoints(open, token)) {
            assertThatThrownBy(() -> new ImageCopier(client).copy(ref(open, "lab/denied:v1"), ref(token, "lab/denied"), CopyOptions.DEFAULT))
                    .isInstanceOf(PermanentRegistryException.class)
                    .hasMessageContaining(token.host() + "/lab/denied")
                    .satisfies(e -> assertThat(((RegistryException) e).status()).isEqualTo(401));
        }
    }

    @Test
    void follows_a_blob_redirect_to_another_host_without_sending_authorization() throws Exception {
        TestImage image = TestImages.dockerV2(2, 2048);
        RegistrySeeder.of(basic).push("lab/redirected", "v1", image);
        try (RegistryFront redirecting = RegistryFront.of(basic).redirectBlobGets();
             RegistryClient client = RegistryClients.forEndpoints(redirecting, open)) {

            CopyResult result = new ImageCopier(client)
                    .copy(ref(redirecting, "lab/redirected:v1"), ref(open, "lab/redirected"), CopyOptions.DEFAULT);

            assertThat(result.blobsCopied()).isEqualTo(image.blobs().size());
            assertThat(redirecting.redirectTargetRequests()).hasSize(image.blobs().size())
                    .noneMatch(RegistryFront.RecordedRequest::hadAuthorization);
            assertThat(redirecting.requests()).filteredOn(r -> r.path().contains("/manifests/"))
                    .anyMatch(RegistryFront.RecordedRequest::hadAuthorization);
        }
        assertThat(Skopeo.inspectRaw(open, "lab/redirected:v1")).isEqualTo(image.manifest());
    }

    @Test
    void a_redirect_loop_ends_in_a_clear_error() throws Exception {
        TestImage image = TestImages.dockerV2(1, 64);
        RegistrySeeder.of(open).push("lab/loop", "v1", image);
        String layer = image.blobs().keySet().iterator().next();
        try (RegistryFront looping = RegistryFront.of(open).redirectLoop();
             RegistryClient client = RegistryClients.forEndpoints(looping)) {

            assertThatThrownBy(() -> client.openBlob(ref(looping, "lab/loop").repository(), Digest.parse(layer)))
                    .isInstanceOf(PermanentRegistryException.class)
                    .hasMessageContaining("redirect loop");
        }
    }

    private static ImageReference ref(RegistryEndpoint registry, String repositoryAndTag) {
        return ImageReference.parse(registry.host() + "/" + repositoryAndTag);
    }
}

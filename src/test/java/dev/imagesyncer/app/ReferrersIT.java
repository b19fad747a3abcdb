package dev.imagesyncer.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagesyncer.testing.RegistryEndpoint;
import dev.imagesyncer.testing.RegistryFront;
import dev.imagesyncer.testing.RegistrySeeder;
import dev.imagesyncer.testing.Skopeo;
import dev.imagesyncer.testing.TestImage;
import dev.imagesyncer.testing.TestImages;
import dev.imagesyncer.testing.TestReferrers.Artifact;
import dev.imagesyncer.testing.TestReferrers.Signed;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.imagesyncer.testing.TestReferrers.NOTATION_SIGNATURE;
import static dev.imagesyncer.testing.TestReferrers.SPDX;
import static dev.imagesyncer.testing.TestReferrers.artifact;
import static dev.imagesyncer.testing.TestReferrers.cosignSignature;
import static dev.imagesyncer.testing.TestReferrers.fallbackTag;
import static dev.imagesyncer.testing.TestReferrers.pushSigned;
import static dev.imagesyncer.testing.TestReferrers.pushWithTagSchema;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Signatures, SBOMs and attestations travel with their image ({@code --referrers}): read through the referrers API
 * or the tag schema, written so that the destination answers for them the same way, byte-identical. The real
 * registry (distribution 2.8) has no referrers API: it shows the tag schema; a {@link RegistryFront} in front of it
 * serves the API.
 */
class ReferrersIT extends TwoRegistries {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void referrers_kept_through_the_tag_schema_are_copied_with_theirs_and_cosign_tags_and_listed_again_later()
            throws Exception {
        TestImage image = TestImages.ociManifest(1, 1024);
        RegistrySeeder seeder = RegistrySeeder.of(source);
        seeder.pushTags("lab/app", image, List.of("v1", "latest"));
        Signed signed = pushSigned(seeder, "lab/app", image);
        Artifact signature = signed.signature();
        Artifact sbom = signed.sbom();
        Artifact sbomSignature = signed.sbomSignature();
        Artifact cosign = signed.cosign();
        Files.writeString(work.resolve("images.yaml"), source.host() + "/lab/app: " + target.host() + "/mirror/app\n");
        JarRun.writeInsecureAuth(work, source, target);

        JarRun first = sync("--referrers");

        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.summary()).as("two tags of one digest: its referrers are copied once")
                .startsWith("Sync finished (succeeded): 2 images synced")
                .contains("referrers: 4 copied, 4 present, 0 skipped");
        assertThat(first.stderr()).contains("3 tags of " + source.host() + "/lab/app name referrers of an image");
        for (Artifact referrer : List.of(signature, sbom, sbomSignature)) {
            assertThat(Skopeo.inspectRaw(target, "mirror/app@" + referrer.digest())).isEqualTo(referrer.manifest());
        }
        assertThat(Skopeo.inspectRaw(target, "mirror/app:" + fallbackTag(image.digest()) + ".sig"))
                .isEqualTo(cosign.manifest());
        assertThat(tagSchemaIndex(target, "mirror/app", image.digest()))
                .containsExactly(signature.digest(), sbom.digest());
        assertThat(tagSchemaIndex(target, "mirror/app", sbom.digest())).containsExactly(sbomSignature.digest());
        assertThat(Skopeo.listTags(target, "mirror/app")).containsExactlyInAnyOrder("v1", "latest",
                fallbackTag(image.digest()), fallbackTag(image.digest()) + ".sig", fallbackTag(sbom.digest()));

        JarRun second = sync("--referrers");
        assertThat(second.summary()).as(second.toString())
                .startsWith("Sync finished (succeeded): 0 images synced, 2 unchanged")
                .contains("0 manifests pushed").contains("referrers: 0 copied, 8 present, 0 skipped");

        Artifact lateSignature = artifact(NOTATION_SIGNATURE, "a new signature of the old image", image);
        pushWithTagSchema(seeder, "lab/app", image.digest(), lateSignature);
        JarRun third = sync("--referrers");
        assertThat(third.summary()).as(third.toString())
                .startsWith("Sync finished (succeeded): 0 images synced, 2 unchanged")
                .contains("referrers: 1 copied, 9 present, 0 skipped");
        assertThat(tagSchemaIndex(target, "mirror/app", image.digest()))
                .containsExactly(signature.digest(), sbom.digest(), lateSignature.digest());
        assertThat(Skopeo.inspectRaw(target, "mirror/app@" + lateSignature.digest()))
                .isEqualTo(lateSignature.manifest());
    }

    @Test
    void referrers_listed_by_the_api_of_the_source_are_kept_through_the_tag_schema_at_a_destination_without_it()
            throws Exception {
        TestImage index = TestImages.ociIndex(1, 512);
        TestImage child = index.children().get(1);
        Artifact sbom = artifact(SPDX, "{\"spdxVersion\":\"SPDX-2.3\"}", index);
        Artifact signature = artifact(NOTATION_SIGNATURE, "signature of the index", index);
        Artifact childSignature = artifact(NOTATION_SIGNATURE, "signature of arm64", child);
        try (RegistryFront api = RegistryFront.of(source).servesReferrersApi(1)) {
            RegistrySeeder seeder = RegistrySeeder.of(api);
            seeder.push("lab/multi", "v1", index);
            sbom.pushTo(seeder, "lab/multi");
            signature.pushTo(seeder, "lab/multi");
            childSignature.pushTo(seeder, "lab/multi");
            Files.writeString(work.resolve("images.yaml"), api.host() + "/lab/multi:v1: " + target.host()
                    + "/mirror/multi\n");
            JarRun.writeInsecureAuth(work, api, target);

            JarRun run = sync("--referrers");
            JarRun again = sync("--referrers");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.summary()).startsWith("Sync finished (succeeded): 1 image synced")
                    .contains("referrers: 3 copied, 0 present, 0 skipped");
            assertThat(api.requests()).as("the pages of the referrers list are followed")
                    .anyMatch(request -> request.path().endsWith("/referrers/" + index.digest())
                            && "page=1".equals(request.query()));
            assertThat(again.summary()).as(again.toString()).contains("0 manifests pushed")
                    .contains("referrers: 0 copied, 3 present, 0 skipped");
        }
        assertThat(tagSchemaIndex(target, "mirror/multi", index.digest()))
                .containsExactlyInAnyOrder(sbom.digest(), signature.digest());
        assertThat(tagSchemaIndex(target, "mirror/multi", child.digest())).containsExactly(childSignature.digest());
        for (Artifact referrer : List.of(sbom, signature, childSignature)) {
            assertThat(Skopeo.inspectRaw(target, "mirror/multi@" + referrer.digest())).isEqualTo(referrer.manifest());
        }
    }

    @Test
    void a_destination_with_the_api_lists_the_referrers_itself_and_artifact_type_selects_them() throws Exception {
        TestImage image = TestImages.ociManifest(1, 1024);
        RegistrySeeder seeder = RegistrySeeder.of(source);
        seeder.push("lab/typed", "v1", image);
        Artifact signature = artifact(NOTATION_SIGNATURE, "signature", image);
        Artifact sbom = artifact(SPDX, "{\"spdxVersion\":\"SPDX-2.3\"}", image);
        pushWithTagSchema(seeder, "lab/typed", image.digest(), signature, sbom);
        try (RegistryFront api = RegistryFront.of(target).servesReferrersApi(10)) {
            Files.writeString(work.resolve("images.yaml"), source.host() + "/lab/typed:v1: " + api.host()
                    + "/mirror/typed\n");
            JarRun.writeInsecureAuth(work, source, api);

            JarRun run = sync("--referrers", "--artifact-type", SPDX);

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.summary()).contains("referrers: 1 copied, 0 present, 1 skipped");
            assertThat(run.stdout()).contains("1 referrer of other artifact types skipped (--artifact-type)");
            assertThat(referrersApi(api, "mirror/typed", image.digest())).containsExactly(sbom.digest());
        }
        assertThat(Skopeo.listTags(target, "mirror/typed")).as("no tag-schema index where the API lists them")
                .containsExactly("v1");
        assertThat(Skopeo.inspectRaw(target, "mirror/typed@" + sbom.digest())).isEqualTo(sbom.manifest());
        assertThat(RegistrySeeder.of(target).fetchManifest("mirror/typed", signature.digest())).isEmpty();
    }

    @Test
    void from_api_to_api_referrers_are_pushed_once_and_a_second_run_pushes_nothing() throws Exception {
        TestImage image = TestImages.ociManifest(1, 1024);
        Artifact signature = artifact(NOTATION_SIGNATURE, "signature", image);
        Artifact sbom = artifact(SPDX, "{\"spdxVersion\":\"SPDX-2.3\"}", image);
        try (RegistryFront from = RegistryFront.of(source).servesReferrersApi(10);
             RegistryFront to = RegistryFront.of(target).servesReferrersApi(10)) {
            RegistrySeeder seeder = RegistrySeeder.of(from);
            seeder.push("lab/both", "v1", image);
            signature.pushTo(seeder, "lab/both");
            sbom.pushTo(seeder, "lab/both");
            Files.writeString(work.resolve("images.yaml"), from.host() + "/lab/both:v1: " + to.host()
                    + "/mirror/both\n");
            JarRun.writeInsecureAuth(work, from, to);

            JarRun first = sync("--referrers");
            to.clearRequests();
            JarRun second = sync("--referrers");

            assertThat(first.summary()).as(first.toString()).contains("referrers: 2 copied, 0 present, 0 skipped");
            assertThat(referrersApi(to, "mirror/both", image.digest()))
                    .containsExactlyInAnyOrder(signature.digest(), sbom.digest());
            assertThat(second.summary()).as(second.toString()).contains("0 manifests pushed")
                    .contains("referrers: 0 copied, 2 present, 0 skipped");
            assertThat(to.requests()).noneMatch(request -> request.method().equals("PUT"));
        }
        assertThat(Skopeo.listTags(target, "mirror/both")).containsExactly("v1");
        assertThat(Skopeo.inspectRaw(target, "mirror/both@" + signature.digest())).isEqualTo(signature.manifest());
    }

    @Test
    void an_index_the_platform_filter_rewrote_leaves_its_own_referrers_behind_and_takes_its_childrens()
            throws Exception {
        TestImage index = TestImages.ociIndex(1, 512);
        TestImage amd64 = index.children().get(0);
        Artifact indexSignature = artifact(NOTATION_SIGNATURE, "signature of the index", index);
        Artifact amd64Signature = artifact(NOTATION_SIGNATURE, "signature of amd64", amd64);
        RegistrySeeder seeder = RegistrySeeder.of(source);
        seeder.push("lab/filtered", "v1", index);
        pushWithTagSchema(seeder, "lab/filtered", index.digest(), indexSignature);
        pushWithTagSchema(seeder, "lab/filtered", amd64.digest(), amd64Signature);
        Files.writeString(work.resolve("images.yaml"), source.host() + "/lab/filtered:v1: " + target.host()
                + "/mirror/filtered\n");
        JarRun.writeInsecureAuth(work, source, target);

        JarRun run = sync("--referrers", "--arch", "amd64");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.summary()).contains("referrers: 1 copied, 0 present, 1 skipped");
        assertThat(run.stdout()).contains("1 referrer of the source index " + index.digest()
                + " not copied: the platform filter gave the index a new digest");
        assertThat(Skopeo.inspectRaw(target, "mirror/filtered@" + amd64Signature.digest()))
                .isEqualTo(amd64Signature.manifest());
        assertThat(RegistrySeeder.of(target).fetchManifest("mirror/filtered", indexSignature.digest())).isEmpty();
        assertThat(tagSchemaIndex(target, "mirror/filtered", amd64.digest()))
                .containsExactly(amd64Signature.digest());
    }

    /**
     * One image in two source repositories, each signed there by someone else, mirrored into one repository: both
     * copies update the same tag-schema index, and neither loses the other's entry.
     */
    @Test
    void two_copies_of_one_digest_into_one_repository_keep_each_others_referrers() throws Exception {
        TestImage image = TestImages.ociManifest(1, 1024);
        RegistrySeeder seeder = RegistrySeeder.of(source);
        List<String> signatures = new ArrayList<>();
        StringBuilder images = new StringBuilder();
        for (String team : List.of("a", "b", "c", "d")) {
            seeder.push("team-" + team + "/app", "1", image);
            Artifact signature = artifact(NOTATION_SIGNATURE, "signed by team " + team, image);
            pushWithTagSchema(seeder, "team-" + team + "/app", image.digest(), signature);
            signatures.add(signature.digest());
            images.append(source.host()).append("/team-").append(team).append("/app:1: ").append(target.host())
                    .append("/mirror/shared:").append(team).append('\n');
        }
        Files.writeString(work.resolve("images.yaml"), images);
        JarRun.writeInsecureAuth(work, source, target);

        JarRun run = sync("--referrers");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.summary()).contains("4 images synced").contains("referrers: 4 copied");
        assertThat(tagSchemaIndex(target, "mirror/shared", image.digest()))
                .containsExactlyInAnyOrderElementsOf(signatures);
    }

    /**
     * A tag-schema index as tools leave it: an entry whose manifest is gone from the source, and one without an
     * artifactType. Neither fails the image; both are said and counted.
     */
    @Test
    void a_stale_entry_and_one_without_artifact_type_are_skipped_and_said() throws Exception {
        TestImage image = TestImages.ociManifest(1, 1024);
        RegistrySeeder seeder = RegistrySeeder.of(source);
        seeder.push("lab/stale", "v1", image);
        Artifact deleted = artifact(SPDX, "an SBOM deleted since", image);
        Artifact untyped = artifact(SPDX, "an SBOM listed without its type", image);
        deleted.pushTo(seeder, "lab/stale");
        untyped.pushTo(seeder, "lab/stale");
        String untypedEntry = untyped.descriptor().replace(",\"artifactType\":\"" + SPDX + "\"", "");
        seeder.pushManifest("lab/stale", fallbackTag(image.digest()), TestImages.OCI_INDEX, ("{\"schemaVersion\":2,"
                + "\"mediaType\":\"" + TestImages.OCI_INDEX + "\",\"manifests\":[" + deleted.descriptor() + ","
                + untypedEntry + "]}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        seeder.deleteManifest("lab/stale", deleted.digest());
        Files.writeString(work.resolve("images.yaml"), source.host() + "/lab/stale:v1: " + target.host()
                + "/mirror/stale\n");
        JarRun.writeInsecureAuth(work, source, target);

        JarRun run = sync("--referrers", "--artifact-type", SPDX);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.summary()).startsWith("Sync finished (succeeded): 1 image synced")
                .contains("referrers: 0 copied, 0 present, 2 skipped");
        assertThat(run.stdout()).contains("referrer " + deleted.digest() + " is listed at the source but cannot be "
                + "read there");
        assertThat(Skopeo.listTags(target, "mirror/stale")).containsExactly("v1");
    }

    @Test
    void artifact_type_where_no_rule_copies_referrers_is_a_configuration_error() throws Exception {
        TestImage image = TestImages.ociManifest(1, 256);
        RegistrySeeder seeder = RegistrySeeder.of(source);
        seeder.push("lab/typed-rule", "v1", image);
        Artifact sbom = artifact(SPDX, "{\"spdxVersion\":\"SPDX-2.3\"}", image);
        pushWithTagSchema(seeder, "lab/typed-rule", image.digest(), sbom);
        JarRun.writeInsecureAuth(work, source, target);
        Files.writeString(work.resolve("images.yaml"), source.host() + "/lab/typed-rule:v1: " + target.host()
                + "/mirror/typed-rule\n");

        JarRun refused = sync("--artifact-type", SPDX);
        Files.writeString(work.resolve("images.yaml"), source.host() + "/lab/typed-rule:v1:\n  to: " + target.host()
                + "/mirror/typed-rule\n  referrers: true\n");
        JarRun byRule = sync("--artifact-type", SPDX);

        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.stderr()).contains("--artifact-type").contains("add --referrers")
                .doesNotContain("Exception");
        assertThat(byRule.exitCode()).as(byRule.toString()).isZero();
        assertThat(byRule.summary()).contains("referrers: 1 copied, 0 present, 0 skipped");
    }

    private JarRun sync(String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("--auth", "auth.yaml", "--images", "images.yaml"));
        args.addAll(List.of(options));
        return JarRun.in(work, Map.of(), args.toArray(String[]::new));
    }

    /** The digests the index under the subject's tag-schema tag lists, in its order. */
    private static List<String> tagSchemaIndex(RegistryEndpoint registry, String repository, String subject)
            throws Exception {
        byte[] index = Skopeo.inspectRaw(registry, repository + ":" + fallbackTag(subject));
        List<String> digests = new ArrayList<>();
        JSON.readTree(index).path("manifests").forEach(entry -> digests.add(entry.path("digest").asText()));
        return digests;
    }

    /** The digests {@code GET /v2/<name>/referrers/<digest>} lists at a front that serves the API. */
    private static List<String> referrersApi(RegistryFront front, String repository, String subject)
            throws Exception {
        HttpResponse<byte[]> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(front.baseUri() + "/v2/" + repository + "/referrers/" + subject)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> digests = new ArrayList<>();
        for (JsonNode entry : JSON.readTree(response.body()).path("manifests")) {
            digests.add(entry.path("digest").asText());
        }
        return digests;
    }
}

package dev.imagesyncer.registry;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The referrers lists of the OCI distribution spec 1.1: read, and merged under the tag schema's tag. */
class ReferrersIndexTest {

    private static final Digest SUBJECT = Digest.sha256("image".getBytes(StandardCharsets.UTF_8));
    private static final String SIGNATURE_TYPE = "application/vnd.cncf.notary.signature";

    private static Manifest artifact(String artifactType, String extra) {
        return Manifest.of(("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\"," + artifactType
                + "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\""
                + Digest.sha256("{}".getBytes(StandardCharsets.UTF_8)) + "\",\"size\":2},\"layers\":[],"
                + "\"subject\":{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + SUBJECT
                + "\",\"size\":5}" + extra + "}").getBytes(StandardCharsets.UTF_8), MediaTypes.OCI_MANIFEST);
    }

    @Test
    void the_fallback_tag_is_the_subject_digest_with_a_dash() {
        assertThat(ReferrersIndex.fallbackTag(SUBJECT)).isEqualTo("sha256-" + SUBJECT.hex());
    }

    @Test
    void a_referrer_carries_its_artifact_type_else_its_config_media_type_and_its_annotations() {
        Manifest typed = artifact("\"artifactType\":\"" + SIGNATURE_TYPE + "\",",
                ",\"annotations\":{\"org.opencontainers.image.created\":\"2024-01-01T00:00:00Z\"}");
        Manifest untyped = artifact("", "");

        assertThat(typed.subject()).map(Descriptor::digest).contains(SUBJECT);
        assertThat(Referrer.of(typed)).isEqualTo(new Referrer(MediaTypes.OCI_MANIFEST, typed.digest(),
                typed.bytes().length, SIGNATURE_TYPE, Map.of("org.opencontainers.image.created",
                "2024-01-01T00:00:00Z")));
        assertThat(Referrer.of(untyped).artifactType()).isEqualTo("application/vnd.oci.empty.v1+json");
    }

    @Test
    void merging_into_no_index_makes_one_and_reading_it_back_gives_the_referrers() {
        Referrer signature = Referrer.of(artifact("\"artifactType\":\"" + SIGNATURE_TYPE + "\",", ""));

        Manifest index = ReferrersIndex.merge(Optional.empty(), List.of(signature)).orElseThrow();

        assertThat(index.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
        assertThat(index.declaredMediaType()).isEqualTo(MediaTypes.OCI_INDEX);
        assertThat(ReferrersIndex.parse(index.bytes())).containsExactly(signature);
    }

    @Test
    void merging_keeps_the_entries_there_appends_the_missing_and_pushes_nothing_when_complete() {
        Referrer first = Referrer.of(artifact("\"artifactType\":\"" + SIGNATURE_TYPE + "\",", ""));
        Referrer second = Referrer.of(artifact("\"artifactType\":\"application/spdx+json\",", ""));
        byte[] existing = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[{"
                + "\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + first.digest() + "\",\"size\":"
                + first.size() + ",\"artifactType\":\"" + SIGNATURE_TYPE + "\",\"x-written-by\":\"another tool\"}]}")
                .getBytes(StandardCharsets.UTF_8);

        Manifest merged = ReferrersIndex.merge(Optional.of(existing), List.of(second, first)).orElseThrow();

        assertThat(ReferrersIndex.parse(merged.bytes())).extracting(Referrer::digest)
                .containsExactly(first.digest(), second.digest());
        assertThat(new String(merged.bytes(), StandardCharsets.UTF_8)).contains("\"x-written-by\":\"another tool\"");
        assertThat(ReferrersIndex.merge(Optional.of(merged.bytes()), List.of(first, second))).isEmpty();
    }

    @Test
    void a_list_that_is_not_json_is_refused_with_a_message() {
        assertThatThrownBy(() -> ReferrersIndex.parse("<html>".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not valid JSON");
    }

    @Test
    void referrer_tags_are_those_of_the_tag_schema_and_of_cosign_and_name_their_image_when_whole() {
        assertThat(ReferrersIndex.isReferrerTag("sha256-" + SUBJECT.hex())).isTrue();
        assertThat(ReferrersIndex.isReferrerTag("sha256-" + SUBJECT.hex() + ".sig")).isTrue();
        assertThat(ReferrersIndex.isReferrerTag("sha512-" + "ab".repeat(32))).as("a sha512 digest cut to 64").isTrue();
        assertThat(ReferrersIndex.isReferrerTag("v1.0")).isFalse();
        assertThat(ReferrersIndex.isReferrerTag("sha256-" + SUBJECT.hex() + ".txt")).isFalse();
        assertThat(ReferrersIndex.subjectOf("sha256-" + SUBJECT.hex() + ".att")).contains(SUBJECT);
        assertThat(ReferrersIndex.subjectOf("sha512-" + "ab".repeat(32))).as("cut short: no whole digest").isEmpty();
        assertThat(ReferrersIndex.subjectOf("latest")).isEmpty();
    }
}

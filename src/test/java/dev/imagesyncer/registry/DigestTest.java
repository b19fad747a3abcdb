package dev.imagesyncer.registry;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DigestTest {

    @Test
    void computes_sha256_of_content() {
        assertThat(Digest.sha256("hello".getBytes(StandardCharsets.US_ASCII)))
                .hasToString("sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    }

    @Test
    void round_trips_through_its_text_form() {
        String text = "sha256:" + "0f".repeat(32);
        assertThat(Digest.parse(text)).hasToString(text);
        assertThat(Digest.parse("sha512:" + "a".repeat(128)).algorithm()).isEqualTo("sha512");
    }

    @Test
    void says_what_is_wrong_with_a_bad_digest() {
        assertThatThrownBy(() -> Digest.parse("sha256:ABC")).hasMessageContaining("64 lowercase hex");
        assertThatThrownBy(() -> Digest.parse("md5:abc")).hasMessageContaining("unsupported digest algorithm 'md5'");
        assertThatThrownBy(() -> Digest.parse("deadbeef")).hasMessageContaining("expected sha256:");
    }
}

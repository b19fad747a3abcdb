package dev.imagesyncer.registry;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The upload body withholds its last bytes until the digest checks out, so a registry never commits bad content. */
class VerifyingUploadTest {

    private final byte[] blob = randomBytes(600_000);
    private final Descriptor descriptor = Descriptor.of("application/octet-stream", Digest.sha256(blob), blob.length);

    @Test
    void writes_every_byte_of_a_blob_whose_digest_matches() throws Exception {
        ByteArrayOutputStream sent = new ByteArrayOutputStream();

        entity(blob, descriptor, blob.length).writeTo(sent);

        assertThat(sent.toByteArray()).isEqualTo(blob);
    }

    @Test
    void stops_short_of_the_end_when_the_content_does_not_match() {
        byte[] corrupt = blob.clone();
        corrupt[12345] ^= 1;
        ByteArrayOutputStream sent = new ByteArrayOutputStream();

        assertThatThrownBy(() -> entity(corrupt, descriptor, corrupt.length).writeTo(sent))
                .isInstanceOf(DigestMismatchException.class)
                .hasMessageContaining("does not match digest " + descriptor.digest());
        assertThat(sent.size()).isLessThan(blob.length);
    }

    @Test
    void refuses_a_blob_larger_than_announced() {
        byte[] longer = new byte[blob.length + 1];
        System.arraycopy(blob, 0, longer, 0, blob.length);

        assertThatThrownBy(() -> entity(longer, descriptor, blob.length).writeTo(new ByteArrayOutputStream()))
                .isInstanceOf(DigestMismatchException.class)
                .hasMessageContaining("larger than the " + blob.length + " bytes announced");
    }

    @Test
    void refuses_a_blob_that_ends_early() {
        byte[] shorter = java.util.Arrays.copyOf(blob, blob.length - 10);

        assertThatThrownBy(() -> entity(shorter, descriptor, blob.length).writeTo(new ByteArrayOutputStream()))
                .isInstanceOf(DigestMismatchException.class)
                .hasMessageContaining("ended after " + shorter.length + " bytes");
    }

    @Test
    void chunks_add_up_to_the_blob_and_only_the_last_one_verifies() throws Exception {
        VerifyingInputStream source = new VerifyingInputStream(new ByteArrayInputStream(blob), descriptor, "test");
        ByteArrayOutputStream sent = new ByteArrayOutputStream();

        new BlobChunkEntity(source, 250_000, false).writeTo(sent);
        new BlobChunkEntity(source, 250_000, false).writeTo(sent);
        new BlobChunkEntity(source, blob.length - 500_000, true).writeTo(sent);

        assertThat(sent.toByteArray()).isEqualTo(blob);
    }

    private static BlobChunkEntity entity(byte[] content, Descriptor expected, long length) {
        return new BlobChunkEntity(new VerifyingInputStream(new ByteArrayInputStream(content), expected, "test"),
                length, true);
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(42).nextBytes(bytes);
        return bytes;
    }
}

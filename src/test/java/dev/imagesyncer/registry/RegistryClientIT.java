package dev.imagesyncer.registry;

import dev.imagesyncer.registry.auth.DockerConfigCredentials;
import dev.imagesyncer.testing.RegistryClients;
import dev.imagesyncer.testing.RegistryExtension;
import dev.imagesyncer.testing.RegistryFront;
import dev.imagesyncer.testing.RegistrySeeder;
import dev.imagesyncer.testing.Skopeo;
import dev.imagesyncer.testing.TestImage;
import dev.imagesyncer.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The registry client's calls one by one, against a real registry (and a front where faults are needed). */
class RegistryClientIT {

    @RegisterExtension
    static final RegistryExtension registry = RegistryExtension.open();
    @RegisterExtension
    static final RegistryExtension basic = RegistryExtension.basicAuth("dave", "docker-config-pass");

    @TempDir
    Path dir;

    @Test
    void uploads_large_blobs_in_content_range_chunks() throws Exception {
        byte[] content = new byte[1_000_000];
        new Random(7).nextBytes(content);
        Descriptor blob = Descriptor.of("application/octet-stream", Digest.sha256(content), content.length);
        Repository repository = new Repository(registry.host(), "lab/chunked");
        try (RegistryFront front = RegistryFront.of(registry);
             RegistryClient client = RegistryClients.forEndpoints(s -> s.withChunkedUploads(300_000, 200_000), front)) {

            BlobPushResult pushed = client.pushBlob(new Repository(front.host(), "lab/chunked"), blob,
                    offset -> BlobStream.of(new ByteArrayInputStream(content), content.length), null);

            assertThat(pushed.mounted()).isFalse();
            assertThat(pushed.bytes()).isEqualTo(content.length);
            // 1 000 000 bytes = 744 288 in 200 000-byte PATCH chunks (4) + the 256 KiB tail in the PUT
            assertThat(front.requests()).filteredOn(r -> r.method().equals("PATCH")).hasSize(4);
            assertThat(front.requests()).filteredOn(r -> r.method().equals("PUT")).hasSize(1);
        }
        try (RegistryClient client = RegistryClients.forEndpoints(registry);
             BlobStream stored = client.openBlob(repository, blob.digest())) {
            assertThat(stored.content().readAllBytes()).isEqualTo(content);
        }
    }

    @Test
    void a_chunked_upload_cut_off_by_an_error_resumes_in_its_session_from_the_last_confirmed_chunk() throws Exception {
        byte[] content = new byte[1_000_000];
        new Random(8).nextBytes(content);
        Descriptor blob = Descriptor.of("application/octet-stream", Digest.sha256(content), content.length);
        RegistrySeeder.of(registry).pushBlob("lab/resume-source", content);
        List<Long> opened = new ArrayList<>();
        try (RegistryFront pull = RegistryFront.of(registry);
             RegistryFront push = RegistryFront.of(registry);
             RegistryClient client = RegistryClients.forEndpoints(s -> s.withChunkedUploads(300_000, 200_000),
                     new ResumePolicy(2, Duration.ofMillis(10), failure -> { }), pull, push)) {
            Repository from = new Repository(pull.host(), "lab/resume-source");
            BlobSource source = offset -> {
                opened.add(offset);
                BlobStream download = client.openBlob(from, blob.digest(), offset);
                // once the second chunk has been read, the registry's front refuses the next PATCH
                return offset > 0 ? download : BlobStream.of(new TriggerAt(download.content(), 400_000,
                        () -> push.failNext(503, 1, "PATCH .*")), download.length());
            };

            BlobPushResult pushed = client.pushBlob(new Repository(push.host(), "lab/resumed"), blob, source, null);

            assertThat(pushed.bytes()).isEqualTo(content.length);
            assertThat(opened).as("the download is opened again where the registry stopped").containsExactly(0L, 400_000L);
            assertThat(push.requests()).filteredOn(r -> r.method().equals("POST")).as("one session").hasSize(1);
            // 4 chunks of 200 000 bytes, the third sent twice, then the tail in the PUT
            assertThat(push.requests()).filteredOn(r -> r.method().equals("PATCH")).hasSize(5);
            assertThat(pull.requests()).filteredOn(r -> r.method().equals("GET") && r.path().contains("/blobs/"))
                    .hasSize(2);
        }
        try (RegistryClient client = RegistryClients.forEndpoints(registry);
             BlobStream stored = client.openBlob(new Repository(registry.host(), "lab/resumed"), blob.digest())) {
            assertThat(stored.content().readAllBytes()).isEqualTo(content);
        }
    }

    @Test
    void a_chunk_cut_off_mid_body_cannot_be_resumed_on_this_registry_so_the_blob_fails_and_a_redelivery_starts_over() throws Exception {
        byte[] content = new byte[12_000_000];
        new Random(9).nextBytes(content);
        Descriptor blob = Descriptor.of("application/octet-stream", Digest.sha256(content), content.length);
        List<Long> opened = new ArrayList<>();
        // straight to the registry: a front in between would hold back the half body
        try (RegistryClient client = RegistryClients.forEndpoints(s -> s.withChunkedUploads(6_000_000, 5_000_000),
                new ResumePolicy(2, Duration.ofMillis(10), failure -> { }), registry)) {
            BlobSource source = offset -> {
                opened.add(offset);
                java.io.InputStream rest = new ByteArrayInputStream(content, (int) offset, content.length - (int) offset);
                // the first download breaks in the middle of the third chunk: the registry keeps half a chunk
                return BlobStream.of(opened.size() > 1 ? rest : new TriggerAt(rest, 9_000_000, () -> {
                    throw new java.io.IOException("connection reset by the source");
                }), content.length - offset);
            };

            Repository restarted = new Repository(registry.host(), "lab/restarted");
            // distribution 2.8 gives up a session that took part of a body ("upload resumed at wrong offset"):
            // the client says so with a transient failure, for the routes to redeliver the blob
            assertThatThrownBy(() -> client.pushBlob(restarted, blob, source, null))
                    .isInstanceOf(TransientRegistryException.class);
            BlobPushResult pushed = client.pushBlob(restarted, blob, source, null);

            assertThat(pushed.bytes()).isEqualTo(content.length);
            assertThat(opened).as("a fresh download from the start, into a fresh session").containsExactly(0L, 0L);
        }
        try (RegistryClient client = RegistryClients.forEndpoints(registry);
             BlobStream stored = client.openBlob(new Repository(registry.host(), "lab/restarted"), blob.digest())) {
            assertThat(stored.content().readAllBytes()).isEqualTo(content);
        }
    }

    /**
     * Passes bytes through and runs {@code action} when asked for the bytes after {@code position}: when the
     * chunk that starts there is about to be sent, after the one before it was answered.
     */
    private static final class TriggerAt extends java.io.FilterInputStream {
        private final long position;
        private final Action action;
        private long read;

        interface Action {
            void run() throws java.io.IOException;
        }

        TriggerAt(java.io.InputStream in, long position, Action action) {
            super(in);
            this.position = position;
            this.action = action;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws java.io.IOException {
            if (read == position) {
                action.run();
            }
            int n = in.read(buffer, offset, (int) Math.min(length, read < position ? position - read : length));
            read += Math.max(n, 0);
            return n;
        }
    }
}

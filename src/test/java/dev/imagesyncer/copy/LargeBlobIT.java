package dev.imagesyncer.copy;

import dev.imagesyncer.registry.Digest;
import dev.imagesyncer.testing.RegistryExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A 512 MiB blob crosses two real registries in a JVM whose whole heap is 64 MiB: it can only stream. */
class LargeBlobIT {

    private static final long SIZE = 512L << 20;

    @RegisterExtension
    static final RegistryExtension source = RegistryExtension.open();
    @RegisterExtension
    static final RegistryExtension target = RegistryExtension.open();

    @TempDir
    Path work;

    @Test
    void copies_512_mib_with_a_64_mib_heap_and_the_target_holds_the_exact_bytes() throws Exception {
        Path log = work.resolve("copy.log");
        Digest expected = LargeBlobCopy.digestOf(SIZE);
        Process copy = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-cp", System.getProperty("java.class.path"), LargeBlobCopy.class.getName(),
                source.host(), target.host(), Long.toString(SIZE)))
                .redirectError(log.toFile())
                .start();
        String output;
        try (InputStream out = copy.getInputStream()) {
            output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(copy.waitFor(5, TimeUnit.MINUTES)).isTrue();

        assertThat(copy.exitValue()).as(output + Files.readString(log)).isZero();
        assertThat(output).startsWith(expected + "\n").contains("max heap");
        assertThat(sha256OfTargetBlob(expected)).isEqualTo(expected);
    }

    /** Streams the blob back from the target with the JDK's own client and hashes it. */
    private static Digest sha256OfTargetBlob(Digest digest) throws Exception {
        HttpRequest get = HttpRequest.newBuilder(
                URI.create(target.baseUri() + "/v2/lab/large/blobs/" + digest)).build();
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(get, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        MessageDigest sha256 = Digest.sha256Hasher();
        long total = 0;
        try (InputStream in = response.body()) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha256.update(buffer, 0, n);
                total += n;
            }
        }
        assertThat(total).isEqualTo(SIZE);
        return new Digest("sha256", HexFormat.of().formatHex(sha256.digest()));
    }
}

package dev.imagesyncer.copy;

import dev.imagesyncer.registry.BlobStream;
import dev.imagesyncer.registry.Descriptor;
import dev.imagesyncer.registry.Digest;
import dev.imagesyncer.registry.RegistryClient;
import dev.imagesyncer.registry.RegistryClientSettings;
import dev.imagesyncer.registry.Repository;
import dev.imagesyncer.registry.auth.CredentialSource;

import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Set;

/**
 * Run in a forked JVM with a small heap by {@link LargeBlobIT}: pushes a generated blob into the source registry,
 * then copies it source -> target with the production client, and prints its digest.
 * Arguments: source host, target host, size in bytes.
 */
public final class LargeBlobCopy {

    static final long SEED = 0x5eedL;

    private LargeBlobCopy() {
    }

    public static void main(String[] args) throws Exception {
        Repository source = new Repository(args[0], "lab/large");
        Repository target = new Repository(args[1], "lab/large");
        long size = Long.parseLong(args[2]);
        Digest digest = digestOf(size);
        Descriptor blob = Descriptor.of("application/octet-stream", digest, size);
        RegistryClientSettings settings = RegistryClientSettings.defaults()
                .withInsecureRegistries(Set.of(args[0], args[1]));
        try (RegistryClient client = new RegistryClient(settings, CredentialSource.NONE)) {
            client.pushBlob(source, blob, offset -> BlobStream.of(new GeneratedBlob(size, SEED), size), null);
            client.pushBlob(target, blob, offset -> client.openBlob(source, digest, offset), null);
        }
        System.out.println(digest);
        System.out.println("max heap " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB");
    }

    static Digest digestOf(long size) throws Exception {
        MessageDigest sha256 = Digest.sha256Hasher();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = new GeneratedBlob(size, SEED)) {
            for (int n; (n = in.read(buffer, 0, buffer.length)) > 0; ) {
                sha256.update(buffer, 0, n);
            }
        }
        return new Digest("sha256", HexFormat.of().formatHex(sha256.digest()));
    }
}

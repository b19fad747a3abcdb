package dev.imagesyncer.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** {@link HttpClient}s for talking to test registries outside the code under test. */
public final class TestHttp {

    private TestHttp() {
    }

    /**
     * An HTTP/1.1 client that never follows redirects and, for a TLS endpoint, trusts exactly the certificates in
     * the endpoint's {@link RegistryEndpoint#caFile()} (verification stays on, hostname included).
     */
    public static HttpClient client(RegistryEndpoint endpoint) {
        return endpoint.isTls() ? client(endpoint.caFile()) : client((Path) null);
    }

    /** As {@link #client(RegistryEndpoint)}, trusting the PEM file {@code caFile}, or the JDK's CAs when null. */
    public static HttpClient client(Path caFile) {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10));
        if (caFile != null) {
            builder.sslContext(sslContextTrusting(caFile));
        }
        return builder.build();
    }

    /** An {@link SSLContext} whose only trust anchors are the PEM certificates in {@code caFile}. */
    public static SSLContext sslContextTrusting(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore trustStore = KeyStore.getInstance(KeyStore.getDefaultType());
            trustStore.load(null, null);
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trustStore.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trustStore);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust " + caFile, e);
        }
    }

    /** A thread factory for daemon threads named {@code name}, so servers never keep the JVM alive. */
    static java.util.concurrent.ThreadFactory daemonThreads(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}

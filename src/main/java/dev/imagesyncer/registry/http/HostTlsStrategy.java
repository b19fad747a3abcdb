package dev.imagesyncer.registry.http;

import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.protocol.HttpContext;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * TLS per host: certificates are verified against the JVM's CAs plus the global CA files, plus the CA file given
 * for that registry if any, except for registries marked insecure, whose certificates and host names are not
 * checked at all. The global CA files are read at once, so that a bad one stops the run before it starts; the
 * SSL contexts are built on first use: loading the JVM's CAs costs start-up time that a run against plain-http
 * registries need not pay.
 */
final class HostTlsStrategy implements TlsSocketStrategy {

    private final List<Certificate> globalCas;
    private final Predicate<String> insecure;
    private final Function<String, Optional<Path>> registryCaFile;
    /** Verifying strategies by the registry's own CA file (empty: the JVM's and global CAs only). */
    private final Map<Optional<Path>, TlsSocketStrategy> verified = new ConcurrentHashMap<>();
    private TlsSocketStrategy unverified;

    HostTlsStrategy(List<Path> caFiles, Predicate<String> insecure, Function<String, Optional<Path>> registryCaFile) {
        this.globalCas = CaFiles.read(caFiles);
        this.insecure = insecure;
        this.registryCaFile = registryCaFile;
    }

    @Override
    public SSLSocket upgrade(Socket socket, String target, int port, Object attachment, HttpContext context)
            throws IOException {
        TlsSocketStrategy strategy;
        try {
            strategy = strategyFor(target, port);
        } catch (IllegalArgumentException unreadableCaFile) {
            throw new SSLHandshakeException(unreadableCaFile.getMessage());
        }
        return strategy.upgrade(socket, target, port, attachment, context);
    }

    /** A registry is named host:port, or host alone on the default port. */
    private TlsSocketStrategy strategyFor(String host, int port) {
        String registry = host + ":" + port;
        if (insecure.test(registry) || port == 443 && insecure.test(host)) {
            return unverified();
        }
        Optional<Path> ca = registryCaFile.apply(registry);
        if (ca.isEmpty() && port == 443) {
            ca = registryCaFile.apply(host);
        }
        return verified.computeIfAbsent(ca, file -> {
            List<Certificate> trusted = new ArrayList<>(globalCas);
            file.ifPresent(f -> trusted.addAll(CaFiles.read(List.of(f))));
            return new DefaultClientTlsStrategy(verifyingContext(trusted));
        });
    }

    private synchronized TlsSocketStrategy unverified() {
        if (unverified == null) {
            unverified = new DefaultClientTlsStrategy(trustingContext(), HostnameVerificationPolicy.CLIENT,
                    NoopHostnameVerifier.INSTANCE);
        }
        return unverified;
    }

    /** The JVM's CAs plus {@code extraCas}. */
    private static SSLContext verifyingContext(List<Certificate> extraCas) {
        try {
            if (extraCas.isEmpty()) {
                return SSLContext.getDefault();
            }
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            TrustManagerFactory jvmDefaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            jvmDefaults.init((KeyStore) null);
            int alias = 0;
            for (TrustManager manager : jvmDefaults.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    for (X509Certificate ca : x509.getAcceptedIssuers()) {
                        trusted.setCertificateEntry("jvm-" + alias++, ca);
                    }
                }
            }
            for (Certificate ca : extraCas) {
                trusted.setCertificateEntry("file-" + alias++, ca);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a TLS context: " + e.getMessage(), e);
        }
    }

    private static SSLContext trustingContext() {
        X509TrustManager trustAll = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trustAll}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create TLS context", e);
        }
    }
}

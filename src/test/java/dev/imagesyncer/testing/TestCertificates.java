package dev.imagesyncer.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Self-signed RSA certificates made with the JDK's own {@code keytool} (the JDK has no public API to build an
 * X.509 certificate), so no openssl is needed. Each kind is made once per JVM and shared.
 */
public final class TestCertificates {

    private static final char[] STORE_PASSWORD = "changeit".toCharArray();
    private static KeyAndCertificate localhostTls;
    private static KeyAndCertificate tokenSigner;

    private TestCertificates() {
    }

    /** A private key and its self-signed certificate. */
    public record KeyAndCertificate(PrivateKey privateKey, X509Certificate certificate) {

        /** The certificate as one PEM {@code CERTIFICATE} block (same text as {@code keytool -exportcert -rfc}). */
        public String certificatePem() {
            try {
                return pem("CERTIFICATE", certificate.getEncoded());
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The private key as a PKCS#8 PEM {@code PRIVATE KEY} block, which Go's TLS stack reads. */
        public String privateKeyPem() {
            return pem("PRIVATE KEY", privateKey.getEncoded());
        }

        private static String pem(String type, byte[] der) {
            return "-----BEGIN " + type + "-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                    + "\n-----END " + type + "-----\n";
        }
    }

    /**
     * A TLS server certificate for {@code CN=127.0.0.1} with {@code subjectAltName=IP:127.0.0.1,DNS:localhost}
     * (Go ignores the CN) and {@code basicConstraints=critical,CA:TRUE}, so the certificate is its own CA and a
     * client trusts it through the PEM of the certificate alone. Valid for 10 years from now.
     */
    public static synchronized KeyAndCertificate localhostTls() {
        if (localhostTls == null) {
            localhostTls = generate("CN=127.0.0.1",
                    "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                    "-ext", "BC:c=ca:true",
                    "-ext", "KU:c=digitalSignature,keyEncipherment,keyCertSign",
                    "-ext", "EKU=serverAuth");
        }
        return localhostTls;
    }

    /** A key and certificate for signing registry tokens (RS256 with an {@code x5c} header). */
    public static synchronized KeyAndCertificate tokenSigner() {
        if (tokenSigner == null) {
            tokenSigner = generate("CN=image-syncer test token signer");
        }
        return tokenSigner;
    }

    private static KeyAndCertificate generate(String distinguishedName, String... extensions) {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        if (!Files.isExecutable(keytool)) {
            throw new IllegalStateException("keytool not found at " + keytool + ": run the tests with a full JDK 17");
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("test-certificate-");
            Path store = dir.resolve("key.p12");
            List<String> command = new ArrayList<>(List.of(keytool.toString(), "-genkeypair", "-alias", "key",
                    "-keyalg", "RSA", "-keysize", "2048", "-sigalg", "SHA256withRSA", "-dname", distinguishedName,
                    "-validity", "3650", "-storetype", "PKCS12", "-keystore", store.toString(),
                    "-storepass", new String(STORE_PASSWORD), "-keypass", new String(STORE_PASSWORD)));
            command.addAll(List.of(extensions));
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("keytool.log").toFile()).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool timed out");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + Files.readString(dir.resolve("keytool.log")));
            }
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                keyStore.load(in, STORE_PASSWORD);
            }
            return new KeyAndCertificate((PrivateKey) keyStore.getKey("key", STORE_PASSWORD),
                    (X509Certificate) keyStore.getCertificate("key"));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a test certificate with keytool", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            TestFiles.deleteRecursively(dir);
        }
    }
}

package dev.imagesyncer.registry.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Reads CA certificates from PEM files, with errors that name the file. */
public final class CaFiles {

    private CaFiles() {
    }

    /**
     * Every certificate of {@code files}.
     *
     * @throws IllegalArgumentException when a file is missing, unreadable, or holds no PEM certificate
     */
    public static List<Certificate> read(List<Path> files) {
        List<Certificate> certificates = new ArrayList<>();
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                Collection<? extends Certificate> read = CertificateFactory.getInstance("X.509")
                        .generateCertificates(in);
                if (read.isEmpty()) {
                    throw new IllegalArgumentException("CA file " + file + " holds no certificate");
                }
                certificates.addAll(read);
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException("CA file " + file + ": no such file");
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read CA file " + file + ": " + e.getMessage());
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("CA file " + file + " holds no readable PEM certificate ("
                        + e.getMessage() + ")");
            }
        }
        return List.copyOf(certificates);
    }
}

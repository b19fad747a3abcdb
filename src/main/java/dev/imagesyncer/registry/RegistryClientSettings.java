package dev.imagesyncer.registry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.Set;
import java.util.function.Predicate;

/**
 * How the registry client talks to registries.
 *
 * @param insecureRegistries  registries (host[:port]) whose TLS certificate is not verified and which may be
 *                            reached over plain http, as image-syncer's {@code insecure: true} means
 * @param caFiles             PEM files with extra CA certificates trusted besides the JVM's own, for every registry
 * @param registryCaFile      a PEM file of CA certificates trusted for one registry (host[:port]) only
 * @param maxConnections      size of the one connection pool that every call shares
 * @param maxConnectionsPerHost cap for one registry host
 * @param chunkedUploadThreshold blobs larger than this are uploaded in PATCH chunks of {@code chunkSize}
 * @param tagPageSize         the {@code n} asked for per page of a tag list and of the catalog (there at most 1000)
 */
public record RegistryClientSettings(
        Predicate<String> insecureRegistries,
        List<Path> caFiles,
        Function<String, Optional<Path>> registryCaFile,
        int maxConnections,
        int maxConnectionsPerHost,
        Duration connectTimeout,
        Duration readTimeout,
        long chunkedUploadThreshold,
        long chunkSize,
        int tagPageSize,
        String userAgent) {

    public RegistryClientSettings {
        caFiles = List.copyOf(caFiles);
    }

    public static RegistryClientSettings defaults() {
        return new RegistryClientSettings(registry -> false, List.of(), registry -> Optional.empty(), 64, 16,
                Duration.ofSeconds(30),
                Duration.ofMinutes(5), 256L << 20, 64L << 20, 1000, "camel-image-syncer");
    }

    public RegistryClientSettings withInsecureRegistries(Set<String> registries) {
        Set<String> copy = Set.copyOf(registries);
        return withInsecureRegistries(copy::contains);
    }

    public RegistryClientSettings withInsecureRegistries(Predicate<String> insecure) {
        return new RegistryClientSettings(insecure, caFiles, registryCaFile, maxConnections, maxConnectionsPerHost,
                connectTimeout,
                readTimeout, chunkedUploadThreshold, chunkSize, tagPageSize, userAgent);
    }

    public RegistryClientSettings withCaFiles(List<Path> files) {
        return new RegistryClientSettings(insecureRegistries, files, registryCaFile, maxConnections,
                maxConnectionsPerHost,
                connectTimeout, readTimeout, chunkedUploadThreshold, chunkSize, tagPageSize, userAgent);
    }

    public RegistryClientSettings withChunkedUploads(long threshold, long chunk) {
        return new RegistryClientSettings(insecureRegistries, caFiles, registryCaFile, maxConnections,
                maxConnectionsPerHost,
                connectTimeout, readTimeout, threshold, chunk, tagPageSize, userAgent);
    }

    public RegistryClientSettings withConnections(int total, int perHost) {
        return new RegistryClientSettings(insecureRegistries, caFiles, registryCaFile, total, perHost, connectTimeout,
                readTimeout,
                chunkedUploadThreshold, chunkSize, tagPageSize, userAgent);
    }

    public RegistryClientSettings withRegistryCaFiles(Function<String, Optional<Path>> caFileOfRegistry) {
        return new RegistryClientSettings(insecureRegistries, caFiles, caFileOfRegistry, maxConnections,
                maxConnectionsPerHost, connectTimeout, readTimeout, chunkedUploadThreshold, chunkSize, tagPageSize,
                userAgent);
    }

    public RegistryClientSettings withTagPageSize(int pageSize) {
        return new RegistryClientSettings(insecureRegistries, caFiles, registryCaFile, maxConnections,
                maxConnectionsPerHost,
                connectTimeout, readTimeout, chunkedUploadThreshold, chunkSize, pageSize, userAgent);
    }

    public RegistryClientSettings withReadTimeout(Duration timeout) {
        return new RegistryClientSettings(insecureRegistries, caFiles, registryCaFile, maxConnections,
                maxConnectionsPerHost, connectTimeout, timeout, chunkedUploadThreshold, chunkSize, tagPageSize,
                userAgent);
    }

    /** Every request's {@code User-Agent} (RFC 9110 section 10.1.5): product tokens, such as {@code name/1.0}. */
    public RegistryClientSettings withUserAgent(String agent) {
        return new RegistryClientSettings(insecureRegistries, caFiles, registryCaFile, maxConnections,
                maxConnectionsPerHost, connectTimeout, readTimeout, chunkedUploadThreshold, chunkSize, tagPageSize,
                agent);
    }

    public boolean isInsecure(String registry) {
        return insecureRegistries.test(registry);
    }
}

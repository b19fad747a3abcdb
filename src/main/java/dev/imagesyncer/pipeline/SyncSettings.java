package dev.imagesyncer.pipeline;

import dev.imagesyncer.config.DefaultDestination;
import dev.imagesyncer.copy.CopyOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything a sync run is told from outside, mostly image-syncer's flags.
 *
 * @param configFile     the legacy combined file ({@code --config}), or null
 * @param proc           how many registry transfers may run at once ({@code --proc})
 * @param retries        how often a failed registry operation is tried again on the spot, and then how often
 *                       an image that still failed for a transient reason is redelivered ({@code --retries})
 * @param retryDelayMillis the first retry delay; it doubles with each attempt
 * @param successOutput  where to write the images that synced, or null
 * @param failedOutput   where to write the images that failed, or null
 * @param outputFormat   {@code yaml} or {@code json}, for both outputs
 * @param reportsDir     where each run writes its JSON report, or null for none
 * @param reportsKeep    how many reports to keep there
 * @param caFiles        PEM files of CA certificates trusted for every registry ({@code --ca-file})
 * @param readTimeout    how long a registry may stay silent in the middle of an answer ({@code --read-timeout})
 * @param uploadChunkBytes blobs over 4 times this are uploaded in chunks of this size; 0 for the client's default
 *                       ({@code CAMEL_IMAGE_SYNCER_CHUNK_MIB})
 */
public record SyncSettings(Path configFile, Path authFile, Path imagesFile, DefaultDestination defaults,
                           Map<String, String> environment, int proc, int retries, long retryDelayMillis,
                           CopyOptions copyOptions, Path successOutput, Path failedOutput, String outputFormat,
                           Path reportsDir, int reportsKeep, List<Path> caFiles, Duration readTimeout,
                           long uploadChunkBytes) {

    public SyncSettings {
        environment = Map.copyOf(environment);
        caFiles = List.copyOf(caFiles);
        if (proc < 1) {
            throw new IllegalArgumentException("--proc must be at least 1, not " + proc);
        }
        if (retries < 0) {
            throw new IllegalArgumentException("--retries must not be negative, not " + retries);
        }
    }
}

package dev.imagesyncer.pipeline;

import dev.imagesyncer.config.DefaultDestination;
import dev.imagesyncer.copy.CopyOptions;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything a sync run is told from outside, mostly image-syncer's flags.
 *
 * @param configFile     the legacy combined file ({@code --config}), or null
 * @param proc           how many registry transfers may run at once ({@code --proc})
 * @param retries        redeliveries of a copy that failed for a transient reason ({@code --retries})
 * @param retryDelayMillis the first redelivery delay; it doubles with each attempt
 * @param successOutput  where to write the images that synced, or null
 * @param failedOutput   where to write the images that failed, or null
 * @param outputFormat   {@code yaml} or {@code json}, for both outputs
 * @param reportsDir     where each run writes its JSON report, or null for none
 * @param reportsKeep    how many reports to keep there
 * @param caFiles        PEM files of CA certificates trusted for every registry ({@code --ca-file})
 */
public record SyncSettings(Path configFile, Path authFile, Path imagesFile, DefaultDestination defaults,
                           Map<String, String> environment, int proc, int retries, long retryDelayMillis,
                           CopyOptions copyOptions, Path successOutput, Path failedOutput, String outputFormat,
                           Path reportsDir, int reportsKeep, List<Path> caFiles) {

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

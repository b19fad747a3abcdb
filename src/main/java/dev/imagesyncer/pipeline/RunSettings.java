package dev.imagesyncer.pipeline;

import dev.imagesyncer.config.DefaultDestination;
import dev.imagesyncer.config.RuleOptions;
import dev.imagesyncer.copy.CopyOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a sync run is told from outside: the {@code sync.*} properties (which image-syncer's flags set).
 *
 * @param inputs    the files that say what to sync
 * @param copy      how images are copied ({@code --force}, {@code --os}, {@code --arch})
 * @param transfers how registries are talked to
 * @param outputs   where results are written
 * @param rules     what the flags set for every rule that does not set it itself ({@code --include-tag},
 *                  {@code --exclude-tag}, {@code --latest}, {@code --skip-existing})
 * @param dryRun    {@code --dry-run}: plan, write nothing
 * @param prune     {@code --prune}: delete what left the sources
 */
public record RunSettings(Inputs inputs, CopyOptions copy, Transfers transfers, Outputs outputs,
                          RuleOptions rules, DryRunSettings dryRun, PruneSettings prune) {

    /**
     * @param enabled delete, in the destination repositories of rules that list their source's tags, the tags no
     *                rule selects any more
     * @param max     the most tags one run may delete; a run that would delete more deletes none
     */
    public record PruneSettings(boolean enabled, int max) {
        public static final PruneSettings OFF = new PruneSettings(false, 100);
    }

    /**
     * @param enabled  plan only: read the registries, write nothing to them
     * @param planFile where to write the plan as JSON ({@code --output-plan}), or null
     */
    public record DryRunSettings(boolean enabled, Path planFile) {
        public static final DryRunSettings OFF = new DryRunSettings(false, null);
    }

    public RunSettings {
        rules = rules == null ? RuleOptions.NONE : rules;
        dryRun = dryRun == null ? DryRunSettings.OFF : dryRun;
        prune = prune == null ? PruneSettings.OFF : prune;
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(copy, "copy");
        Objects.requireNonNull(transfers, "transfers");
        Objects.requireNonNull(outputs, "outputs");
    }

    /**
     * @param configFile  the legacy combined file ({@code --config}), or null
     * @param authFile    the auth file ({@code --auth}), or null
     * @param imagesFile  the images file ({@code --images}), or null (then only images sent to direct:sync)
     * @param defaults    the registry and namespace of destinations given as {@code ""}
     * @param environment the variables {@code ${VAR}} in the files expand from
     * @param inlineImages an images map as JSON given instead of a file ({@code --src}/{@code --dest}), or null
     */
    public record Inputs(Path configFile, Path authFile, Path imagesFile, DefaultDestination defaults,
                         Map<String, String> environment, String inlineImages) {
        public Inputs {
            environment = Map.copyOf(environment);
        }

        /** Inputs without inline images. */
        public Inputs(Path configFile, Path authFile, Path imagesFile, DefaultDestination defaults,
                      Map<String, String> environment) {
            this(configFile, authFile, imagesFile, defaults, environment, null);
        }
    }

    /**
     * @param proc             registry transfers running at once across all images ({@code --proc})
     * @param retries          retries of a failed step ({@code --retries}); here: in-session resumes of a chunk
     * @param retryDelay       the wait before the first retry
     * @param readTimeout      how long a registry may stay silent in the middle of an answer ({@code --read-timeout})
     * @param uploadChunkBytes blobs over 4 times this many bytes are uploaded in chunks of this size
     * @param caFiles          PEM files of CA certificates trusted for every registry ({@code --ca-file})
     * @param userAgent        the {@code User-Agent} of every registry request
     */
    public record Transfers(int proc, int retries, Duration retryDelay, Duration readTimeout, long uploadChunkBytes,
                            List<Path> caFiles, String userAgent) {
        public Transfers {
            caFiles = List.copyOf(caFiles);
            if (proc < 1) {
                throw new IllegalArgumentException("proc must be at least 1, not " + proc);
            }
            if (retries < 0) {
                throw new IllegalArgumentException("retries must not be negative, not " + retries);
            }
        }
    }

    /**
     * @param successFile where to write the images that synced, or null
     * @param failedFile  where to write the images that failed, or null
     * @param format      {@code yaml} or {@code json}, for both
     * @param reportsDir  where each run writes its JSON report, or null for none
     * @param reportsKeep how many reports to keep there
     */
    public record Outputs(Path successFile, Path failedFile, String format, Path reportsDir, int reportsKeep) {
    }
}

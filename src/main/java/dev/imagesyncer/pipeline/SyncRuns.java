package dev.imagesyncer.pipeline;

import dev.imagesyncer.config.SyncConfig;
import dev.imagesyncer.copy.BlobLedger;
import dev.imagesyncer.copy.ImageCopier;
import dev.imagesyncer.registry.RegistryClient;
import dev.imagesyncer.registry.RegistryClientSettings;
import dev.imagesyncer.registry.auth.CredentialSource;
import dev.imagesyncer.registry.auth.DockerConfigCredentials;
import dev.imagesyncer.report.ImagesFileWriter;
import dev.imagesyncer.report.SyncReport;
import dev.imagesyncer.report.SyncSummary;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * Opens and closes sync runs: {@link #open()} reads the auth and images files (again at every run, so edits
 * apply without a restart) and builds the registry client; {@link #finish} writes the outputs and returns the
 * summary.
 */
public final class SyncRuns {

    private static final Logger LOG = LoggerFactory.getLogger(SyncRuns.class);
    private static final Logger PROGRESS = LoggerFactory.getLogger("dev.imagesyncer.progress");

    private final SyncSettings settings;
    private final ExecutorService transfers;
    private final Clock clock;

    public SyncRuns(SyncSettings settings, ExecutorService transfers, Clock clock) {
        this.settings = settings;
        this.transfers = transfers;
        this.clock = clock;
    }

    /** Loads the files and opens a run; a configuration error is a {@link dev.imagesyncer.config.ConfigException}. */
    public SyncRun open() {
        SyncConfig config = loadConfig(settings);
        CredentialSource credentials = config.auth().credentials().orElse(DockerConfigCredentials.fromEnvironment());
        // per registry host: 2 connections per transfer (source GET, target upload) and 1 per image worker, so
        // that no thread ever waits for a connection that only its own progress would free
        RegistryClientSettings clientSettings = RegistryClientSettings.defaults()
                .withInsecureRegistries(config.auth()::isInsecure)
                .withConnections(16 * settings.proc(), 8 * settings.proc());
        RegistryClient client = new RegistryClient(clientSettings, credentials);
        ImageCopier copier = new ImageCopier(client, transfers, new BlobLedger());
        LOG.info("sync run started: {} rules", config.images().rules().size());
        return new SyncRun(settings, config, client, copier, new SyncReport(clock));
    }

    /** Reads the configuration the way a run does: the command line checks it with this before starting. */
    public static SyncConfig loadConfig(SyncSettings settings) {
        return SyncConfig.load(settings.configFile(), settings.authFile(), settings.imagesFile(),
                settings.environment(), settings.defaults());
    }

    /** Ends a run: writes the success and failure files, closes the client, returns the summary. */
    public SyncSummary finish(@ExchangeProperty(SyncRun.PROPERTY) SyncRun run) throws IOException {
        try (run) {
            SyncSummary summary = run.report().summary();
            write(settings.successOutput(), summary.succeededImages());
            write(settings.failedOutput(), summary.failedImages());
            PROGRESS.info(summary.line());
            return summary;
        }
    }

    private void write(Path file, Map<String, List<String>> images) throws IOException {
        if (file != null) {
            ImagesFileWriter.write(file, images, settings.outputFormat());
        }
    }
}

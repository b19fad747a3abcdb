package dev.imagesyncer.pipeline;

import dev.imagesyncer.config.SyncConfig;
import dev.imagesyncer.copy.BlobLedger;
import dev.imagesyncer.copy.ImageCopier;
import dev.imagesyncer.registry.RegistryClient;
import dev.imagesyncer.registry.RetryPolicy;
import dev.imagesyncer.registry.UploadJournal;
import dev.imagesyncer.registry.RegistryClientSettings;
import dev.imagesyncer.registry.auth.CredentialSource;
import dev.imagesyncer.registry.auth.DockerConfigCredentials;
import dev.imagesyncer.report.ImagesFileWriter;
import dev.imagesyncer.report.SyncReport;
import dev.imagesyncer.report.SyncSummary;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagesyncer.config.AuthConfig;
import dev.imagesyncer.config.ConfigFormat;
import dev.imagesyncer.config.ImagesConfig;
import dev.imagesyncer.report.RunReports;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Opens and closes sync runs, one at a time: {@link #open} reads the auth and images files (again at every run,
 * so edits apply without a restart), or takes the images sent with the exchange, and builds the registry client;
 * {@link #finish} writes the outputs and the run report and returns the summary. {@link #interrupt()} lets the
 * images in progress finish and skips the rest.
 */
public final class SyncRuns {

    private static final Logger LOG = LoggerFactory.getLogger(SyncRuns.class);
    private static final Logger PROGRESS = LoggerFactory.getLogger("dev.imagesyncer.progress");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final SyncSettings settings;
    private final ExecutorService transfers;
    private final RetryCounter retries;
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicReference<SyncRun> active = new AtomicReference<>();

    public SyncRuns(SyncSettings settings, ExecutorService transfers, RetryCounter retries, Clock clock) {
        this.settings = settings;
        this.transfers = transfers;
        this.retries = retries;
        this.clock = clock;
    }

    /**
     * Opens a run over the configured files, or over {@code images} (a map or JSON/YAML text in the images-file
     * format) when the exchange carries them. Returns null when a run is already going: runs never overlap.
     * A configuration error is a {@link dev.imagesyncer.config.ConfigException}.
     */
    public SyncRun open(@Body Object images) {
        if (!running.compareAndSet(false, true)) {
            SyncRun current = active.get();
            LOG.warn("sync run skipped: the run {} has not finished", current != null ? current.getId() : "starting");
            return null;
        }
        try {
            SyncConfig config = images == null || "".equals(images) ? loadConfig(settings) : configWithImages(images);
            CredentialSource credentials = config.auth().credentials()
                    .orElse(DockerConfigCredentials.fromEnvironment());
            // per registry host: 2 connections per transfer (source GET, target upload) and 1 per image worker,
            // so that no thread ever waits for a connection that only its own progress would free
            RegistryClientSettings clientSettings = RegistryClientSettings.defaults()
                    .withInsecureRegistries(config.auth()::isInsecure)
                    .withCaFiles(settings.caFiles())
                    .withRegistryCaFiles(config.auth()::caFile)
                    .withConnections(16 * settings.proc(), 8 * settings.proc())
                    .withReadTimeout(settings.readTimeout());
            if (settings.uploadChunkBytes() > 0) {
                clientSettings = clientSettings.withChunkedUploads(4 * settings.uploadChunkBytes(),
                        settings.uploadChunkBytes());
            }
            SyncReport report = new SyncReport(clock);
            RetryPolicy retry = new RetryPolicy(settings.retries(), Duration.ofMillis(settings.retryDelayMillis()),
                    failure -> retries.count(failure, report));
            RegistryClient client = new RegistryClient(clientSettings, credentials, retry,
                    new UploadJournal(journalDirectory(settings.environment())));
            SyncRun run = new SyncRun(RUN_ID.format(clock.instant()), settings, config, client,
                    new ImageCopier(client, transfers, new BlobLedger()), report);
            active.set(run);
            LOG.info("sync run {} started: {} rules", run.getId(), config.images().rules().size());
            return run;
        } catch (RuntimeException e) {
            running.set(false);
            throw e;
        }
    }

    /**
     * Where chunked uploads are journaled, so that a run carries on what a killed one left: beside the launcher's
     * class-data archive, in {@code $XDG_CACHE_HOME/camel-image-syncer/uploads} ({@code ~/.cache} by default).
     */
    private static Path journalDirectory(Map<String, String> environment) {
        String cache = environment.getOrDefault("XDG_CACHE_HOME", "");
        Path base = !cache.isBlank() ? Path.of(cache)
                : Path.of(environment.getOrDefault("HOME", System.getProperty("user.home")), ".cache");
        return base.resolve("camel-image-syncer").resolve("uploads");
    }

    /** Lets the images in progress finish and skips the others; the run is reported as interrupted. */
    public void interrupt() {
        SyncRun run = active.get();
        if (run != null) {
            run.report().interrupted();
            LOG.warn("sync run {} interrupted: finishing the images in progress", run.getId());
        }
    }

    public boolean isRunning() {
        return running.get();
    }

    private SyncConfig configWithImages(Object images) {
        String source = "the images sent to direct:sync";
        JsonNode tree = images instanceof String text
                ? ConfigFormat.sniff(text).parse(text, source)
                : JSON.valueToTree(images);
        AuthConfig auth = settings.authFile() != null
                ? AuthConfig.load(settings.authFile(), settings.environment())
                : AuthConfig.empty();
        return new SyncConfig(auth, ImagesConfig.fromTree(tree, source, settings.environment(), settings.defaults()));
    }

    /** Reads the configuration the way a run does: the command line checks it with this before starting. */
    public static SyncConfig loadConfig(SyncSettings settings) {
        return SyncConfig.load(settings.configFile(), settings.authFile(), settings.imagesFile(),
                settings.environment(), settings.defaults());
    }

    /** Ends a run: writes the success and failure files and the run report, closes the client. */
    public SyncSummary finish(@ExchangeProperty(SyncRun.PROPERTY) SyncRun run) throws IOException {
        try (run) {
            SyncSummary summary = run.report().summary(run.getId());
            write(settings.successOutput(), summary.succeededImages());
            write(settings.failedOutput(), summary.failedImages());
            if (settings.reportsDir() != null) {
                RunReports.write(settings.reportsDir(), summary, settings.reportsKeep());
            }
            PROGRESS.info(summary.line());
            return summary;
        } finally {
            active.set(null);
            running.set(false);
        }
    }

    private void write(Path file, Map<String, List<String>> images) throws IOException {
        if (file != null) {
            ImagesFileWriter.write(file, images, settings.outputFormat());
        }
    }
}

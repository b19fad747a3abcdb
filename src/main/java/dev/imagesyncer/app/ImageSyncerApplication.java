package dev.imagesyncer.app;

import dev.imagesyncer.config.ConfigException;
import dev.imagesyncer.config.DefaultDestination;
import dev.imagesyncer.copy.CopyOptions;
import dev.imagesyncer.copy.PlatformFilter;
import dev.imagesyncer.pipeline.SyncRuns;
import dev.imagesyncer.pipeline.SyncSettings;
import dev.imagesyncer.registry.http.CaFiles;
import dev.imagesyncer.report.SyncSummary;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code java -jar camel-image-syncer.jar}: image-syncer's command line. Checks the files first (a bad file
 * exits 2 before anything is copied), then runs the Camel sync routes once; exits 0 when every image synced
 * and 255, as image-syncer does, when any failed.
 */
@Command(name = "camel-image-syncer", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = ImageSyncerApplication.Version.class,
        description = "Mirrors container images between Docker Registry V2 / OCI registries, as Apache Camel routes.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every image synced (or was already there)", "2:usage or configuration error, nothing copied",
                "255:at least one image failed"})
public final class ImageSyncerApplication implements Callable<Integer> {

    static final int SUCCESS = 0;
    static final int USAGE_ERROR = 2;
    static final int IMAGES_FAILED = 255;
    private static final String CHUNK_MIB = "CAMEL_IMAGE_SYNCER_CHUNK_MIB";

    @Option(names = "--config", paramLabel = "FILE",
            description = "legacy combined file with 'auth' and 'images' keys; wins over --auth and --images")
    Path configFile;

    @Option(names = "--auth", paramLabel = "FILE", description = "auth file (JSON or YAML)")
    Path authFile;

    @Option(names = "--images", paramLabel = "FILE", description = "images file: which images go where (JSON or YAML)")
    Path imagesFile;

    @Option(names = "--log", paramLabel = "FILE",
            description = "write the log to this file (truncated) instead of stderr; progress still reaches the terminal")
    Path logFile;

    @Option(names = {"-p", "--proc"}, paramLabel = "N", defaultValue = "5",
            description = "registry transfers running at once (default: ${DEFAULT-VALUE})")
    int proc;

    @Option(names = {"-r", "--retries"}, paramLabel = "N", defaultValue = "2",
            description = "retries of a failed request or blob transfer, on the spot, then of an image that still "
                    + "failed for a transient reason (default: ${DEFAULT-VALUE})")
    int retries;

    @Option(names = "--read-timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "seconds a registry may stay silent, before or in the middle of an answer (a slow "
                    + "commit of a large blob included), before the request is retried (default: ${DEFAULT-VALUE})")
    int readTimeoutSeconds;

    @Option(names = "--os", paramLabel = "OS[:VERSION]",
            description = "copy only these OSes of multi-platform images (repeat, or a comma list)")
    List<String> os = new ArrayList<>();

    @Option(names = "--arch", paramLabel = "ARCH[:VARIANT]",
            description = "copy only these architectures of multi-platform images (repeat, or a comma list)")
    List<String> arch = new ArrayList<>();

    @Option(names = "--force", description = "push manifests even when the destination already has them")
    boolean force;

    @Option(names = "--registry", paramLabel = "HOST",
            description = "registry for destinations given as \"\" (default: $DEFAULT_REGISTRY)")
    String registry;

    @Option(names = "--namespace", paramLabel = "NAMESPACE",
            description = "namespace for destinations given as \"\" (default: $DEFAULT_NAMESPACE)")
    String namespace;

    @Option(names = "--output-success-images", paramLabel = "FILE",
            description = "write the images that synced to this file, in images-file format")
    Path successOutput;

    @Option(names = "--output-failed-images", paramLabel = "FILE",
            description = "write the images that failed to this file, in images-file format (usable as --images)")
    Path failedOutput;

    @Option(names = "--output-images-format", paramLabel = "yaml|json", defaultValue = "yaml",
            description = "format of the output files (default: ${DEFAULT-VALUE})")
    String outputFormat;

    @Option(names = "--schedule", paramLabel = "CRON",
            description = "run as a service: a sync at each fire of this Quartz cron, e.g. \"0 0/30 * * * ?\" "
                    + "(default: the property sync.schedule)")
    String schedule;

    @Option(names = "--reports", paramLabel = "DIR",
            description = "write a JSON report of each run here (default: the property sync.reports.dir; "
                    + "reports/ in service mode)")
    Path reportsDir;

    @Option(names = "--ca-file", paramLabel = "FILE",
            description = "trust the CA certificates of this PEM file for every registry (repeatable); "
                    + "for one registry, give \"ca\" in its auth entry")
    List<Path> caFiles = new ArrayList<>();

    @Option(names = "--routes", paramLabel = "DIR",
            description = "load the Camel routes (*.camel.yaml) from this directory instead of the built-in ones")
    Path routesDir;

    @Option(names = "--debug", description = "debug logging, and stack traces with errors")
    boolean debug;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        int code = commandLine(new ImageSyncerApplication()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    static CommandLine commandLine(ImageSyncerApplication command) {
        return new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public Integer call() {
        Logging.configure(logFile, debug);
        PrintWriter err = spec.commandLine().getErr();
        if (configFile != null && (authFile != null || imagesFile != null)) {
            err.println("warning: --config is given, so --auth and --images are ignored");
        }
        SyncSettings settings;
        ServiceProperties properties;
        try {
            properties = ServiceProperties.load(schedule);
            settings = settings(System.getenv(), properties);
            SyncRuns.loadConfig(settings);
        } catch (ConfigException | IllegalArgumentException e) {
            return error(err, e.getMessage(), e, USAGE_ERROR);
        }
        if (properties.schedule() != null) {
            try (SyncApplication application = SyncApplication.service(settings, routesDir, properties)) {
                application.serve();
                return SUCCESS;
            } catch (Exception e) {
                return failedToStart(err, e);
            }
        }
        SyncApplication application;
        try {
            application = SyncApplication.oneShot(settings, routesDir, properties);
        } catch (Exception e) {
            return failedToStart(err, e);
        }
        try (application) {
            SyncSummary summary = application.runOnce();
            return summary.hasFailures() ? IMAGES_FAILED : SUCCESS;
        } catch (Exception e) {
            // Camel wraps what the beans threw: a file that went bad since the check above is still a config error
            Throwable cause = rootCause(e);
            return cause instanceof ConfigException
                    ? error(err, cause.getMessage(), e, USAGE_ERROR)
                    : error(err, oneLine(message(cause)), e, IMAGES_FAILED);
        }
    }

    /** Routes that do not load (a broken YAML file, an unknown bean) are a configuration error. */
    private int failedToStart(PrintWriter err, Exception e) {
        return error(err, "the routes did not start: " + oneLine(message(rootCause(e))), e, USAGE_ERROR);
    }

    /** One line for the user; the stack trace only with --debug. */
    private int error(PrintWriter err, String message, Exception e, int exitCode) {
        err.println("error: " + message);
        if (debug) {
            e.printStackTrace(err);
        }
        return exitCode;
    }

    private static String oneLine(String message) {
        return message.replaceAll("\\s*\\n\\s*", " ").replaceAll("\\s*\\^\\s*", " ").trim();
    }

    SyncSettings settings(Map<String, String> environment, ServiceProperties properties) {
        if (!outputFormat.equalsIgnoreCase("yaml") && !outputFormat.equalsIgnoreCase("json")) {
            throw new IllegalArgumentException("--output-images-format must be yaml or json, not " + outputFormat);
        }
        if (readTimeoutSeconds < 1) {
            throw new IllegalArgumentException("--read-timeout must be at least 1 second, not " + readTimeoutSeconds);
        }
        try {
            CaFiles.read(caFiles);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--ca-file: " + e.getMessage(), e);
        }
        return new SyncSettings(configFile, authFile, imagesFile,
                DefaultDestination.resolve(registry, namespace, environment), environment, proc, retries, 1000,
                new CopyOptions(force, PlatformFilter.of(os, arch)), successOutput, failedOutput,
                outputFormat.toLowerCase(java.util.Locale.ROOT),
                reportsDir != null ? reportsDir : properties.reportsDir(), properties.reportsKeep(), caFiles,
                Duration.ofSeconds(readTimeoutSeconds), uploadChunkBytes(environment));
    }

    /**
     * {@code CAMEL_IMAGE_SYNCER_CHUNK_MIB=N}: upload blobs over 4 N MiB in chunks of N MiB (the default is 64, so
     * blobs over 256 MiB). Smaller chunks lose less to an interruption and cost a request each. 0 when unset.
     */
    private static long uploadChunkBytes(Map<String, String> environment) {
        String value = environment.get(CHUNK_MIB);
        if (value == null || value.isBlank()) {
            return 0;
        }
        long mib;
        try {
            mib = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            mib = 0;
        }
        if (mib < 1) {
            throw new IllegalArgumentException(CHUNK_MIB + " must be a whole number of MiB, at least 1, not " + value);
        }
        return mib << 20;
    }

    /** The innermost cause: Camel wraps what a bean threw. */
    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String message(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = ImageSyncerApplication.class.getPackage().getImplementationVersion();
            return new String[] {"camel-image-syncer " + (version != null ? version : "development build")};
        }
    }
}

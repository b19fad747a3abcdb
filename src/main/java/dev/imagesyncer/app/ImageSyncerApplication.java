package dev.imagesyncer.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagesyncer.cluster.EmbeddedBroker;
import dev.imagesyncer.config.ConfigException;
import dev.imagesyncer.report.RunSummary;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

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
    /** The environment variable that holds the password of {@code --broker}'s user (never a flag: ps shows those). */
    static final String BROKER_PASSWORD = "CAMEL_IMAGE_SYNCER_BROKER_PASSWORD";
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

    @Option(names = {"-p", "--proc"}, paramLabel = "N",
            description = "registry transfers running at once, across all images (sync.proc, default 5)")
    Integer proc;

    @Option(names = {"-r", "--retries"}, paramLabel = "N",
            description = "redeliveries of a failed step (a blob transfer, a manifest step, a tag list) that failed "
                    + "for a transient reason (sync.retries, default 2)")
    Integer retries;

    @Option(names = "--read-timeout", paramLabel = "SECONDS",
            description = "seconds a registry may stay silent, before or in the middle of an answer (a slow "
                    + "commit of a large blob included), before the step fails (sync.readTimeout, default 300)")
    Integer readTimeoutSeconds;

    @Option(names = "--os", paramLabel = "OS[:VERSION]",
            description = "copy only these OSes of multi-platform images (repeat, or a comma list)")
    List<String> os = new ArrayList<>();

    @Option(names = "--arch", paramLabel = "ARCH[:VARIANT]",
            description = "copy only these architectures of multi-platform images (repeat, or a comma list)")
    List<String> arch = new ArrayList<>();

    @Option(names = "--src", paramLabel = "REF",
            description = "a source, as the images file writes it (repo, repo:tag,tag, repo:/regex/, repo@digest), "
                    + "instead of --images; each --src goes with the --dest at the same place")
    List<String> sources = new ArrayList<>();

    @Option(names = "--dest", paramLabel = "REF", description = "the destination of the --src at the same place")
    List<String> destinations = new ArrayList<>();

    @Option(names = "--dry-run", description = "resolve every rule, compare with the destinations (HEAD), print "
            + "the plan and write nothing to any registry; exit 0 (2 for a configuration error)")
    boolean dryRun;

    @Option(names = "--output-plan", paramLabel = "FILE", description = "with --dry-run, write the plan as JSON")
    Path planFile;

    @Option(names = "--broker", paramLabel = "DIR", description = "run an ActiveMQ Artemis broker for cluster mode "
            + "in this process (its journal in DIR) instead of syncing, until SIGTERM or Ctrl-C; the password comes "
            + "from $" + BROKER_PASSWORD)
    Path brokerDirectory;

    @Option(names = "--broker-host", paramLabel = "ADDRESS", description = "with --broker, the address to listen on "
            + "(default 127.0.0.1: whoever can send jobs can make the mirror push)")
    String brokerHost = "127.0.0.1";

    @Option(names = "--broker-port", paramLabel = "PORT", description = "with --broker, the TCP port (default 61616)")
    int brokerPort = 61616;

    @Option(names = "--broker-user", paramLabel = "NAME", description = "with --broker, the user clients log in as "
            + "(default mirror)")
    String brokerUser = "mirror";

    @Option(names = "--prune", description = "after the copies, delete from the destination repositories of rules "
            + "that list their source's tags the tags no rule selects any more (see the README's safety rules)")
    boolean prune;

    @Option(names = "--prune-max", paramLabel = "N", description = "the most tags one run may prune; above it the "
            + "run prunes none and says so (sync.prune.max, default 100)")
    Integer pruneMax;

    @Option(names = "--include-tag", paramLabel = "REGEX",
            description = "copy only listed tags this Java regex finds a match in (repeat: any may match), for rules "
                    + "that set no tags.include")
    List<String> includeTags = new ArrayList<>();

    @Option(names = "--exclude-tag", paramLabel = "REGEX",
            description = "leave out listed tags this Java regex finds a match in (repeatable), for rules that set "
                    + "no tags.exclude")
    List<String> excludeTags = new ArrayList<>();

    @Option(names = "--latest", paramLabel = "N",
            description = "of the listed tags, copy only the N highest (releases, then pre-releases, then other "
                    + "tags), for rules that set no tags.latest")
    Integer latest;

    @Option(names = "--skip-existing", description = "leave a destination tag that exists as it is, without "
            + "reading the source for it (for registries that count pulls; tags that never move)")
    boolean skipExisting;

    @Option(names = "--referrers", description = "copy each image's signatures, SBOMs and attestations too (its "
            + "referrers, theirs in turn, and cosign's sha256-<digest>.sig/.att/.sbom tags)")
    boolean referrers;

    @Option(names = "--artifact-type", paramLabel = "TYPE",
            description = "with --referrers, only referrers of this artifact type (repeat, or a comma list)")
    List<String> artifactTypes = new ArrayList<>();

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

    @Option(names = "--output-images-format", paramLabel = "yaml|json",
            description = "format of the output files (sync.output.format, default yaml)")
    String outputFormat;

    @Option(names = "--stop-timeout", paramLabel = "SECONDS",
            description = "on SIGTERM or Ctrl-C, how long to wait for uploads in flight to reach their next chunk "
                    + "boundary (journaled, carried on by the next run) before abandoning them (sync.stopTimeout, "
                    + "default 60)")
    Integer stopTimeoutSeconds;

    @Option(names = "--schedule", paramLabel = "SCHEDULE",
            description = "run as a service: a sync at each fire of this schedule: a Quartz cron (\"0 0/30 * * * ?\"), "
                    + "a Unix cron (\"*/30 * * * *\"), @hourly, @daily, @weekly or @every N[smh] (sync.schedule)")
    String schedule;

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "port of the management endpoints in service mode (sync.http.port, default 8080)")
    Integer httpPort;

    @Option(names = "--http-host", paramLabel = "ADDRESS",
            description = "address they listen on; 0.0.0.0 for every interface (sync.http.host, default 127.0.0.1)")
    String httpHost;

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

    @Option(names = "--properties", paramLabel = "FILE",
            description = "read the settings (sync.*, camel.*) from this file instead of ./application.properties; "
                    + "flags win over it")
    Path propertiesFile;

    @Option(names = "--debug", description = "debug logging, and stack traces with errors")
    boolean debug;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        WarmUp.start();
        Logging.chooseManager();
        int code = commandLine(new ImageSyncerApplication()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    static CommandLine commandLine(ImageSyncerApplication command) {
        return new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler((problem, args) -> {
                    // one line, as for any other bad input, instead of the whole usage text
                    problem.getCommandLine().getErr().println("error: " + problem.getMessage() + " (see --help)");
                    return USAGE_ERROR;
                });
    }

    @Override
    public Integer call() {
        Logging.configure(logFile, debug);
        PrintWriter err = spec.commandLine().getErr();
        if (configFile != null && (authFile != null || imagesFile != null)) {
            err.println("warning: --config is given, so --auth and --images are ignored");
        }
        if (brokerDirectory != null) {
            return runBroker(err);
        }
        if (sources.size() != destinations.size()) {
            return error(err, "--src and --dest go in pairs: " + sources.size() + " --src, " + destinations.size()
                    + " --dest", null, USAGE_ERROR);
        }
        if (propertiesFile != null && !Files.isRegularFile(propertiesFile)) {
            return error(err, "--properties: no such file: " + propertiesFile, null, USAGE_ERROR);
        }
        String routesProblem = RoutesDirectory.problem(routesDir);
        if (routesProblem != null) {
            return error(err, routesProblem, null, USAGE_ERROR);
        }
        SyncApplication application;
        try {
            application = SyncApplication.start(routesDir, propertiesFile, overrides(System.getenv()),
                    System.getenv());
        } catch (Exception e) {
            return failedToStart(err, e);
        }
        try (application) {
            if (application.isService()) {
                application.serve();
                return SUCCESS;
            }
            RunSummary summary = application.runOnce();
            if (summary == null) {
                return error(err, "no run went to its end: it was skipped (another run is going, here or on another "
                        + "instance of the cluster) or ended early; the log above says which", null, IMAGES_FAILED);
            }
            if (summary.failedToStart()) {
                return error(err, summary.reason(), null, USAGE_ERROR); // a file that went bad since the start
            }
            return summary.hasFailures() && !RunSummary.DRY_RUN.equals(summary.status()) ? IMAGES_FAILED : SUCCESS;
        } catch (Exception e) {
            // Camel wraps what the beans threw: a file that went bad since the start is still a config error
            Throwable config = cause(e, ConfigException.class::isInstance);
            return config != null
                    ? error(err, config.getMessage(), e, USAGE_ERROR)
                    : error(err, oneLine(message(rootCause(e))), e, IMAGES_FAILED);
        }
    }

    /** {@code --broker}: an Artemis broker in this process until the JVM is stopped. */
    private int runBroker(PrintWriter err) {
        EmbeddedBroker broker;
        try {
            broker = new EmbeddedBroker(brokerDirectory, brokerHost, brokerPort, brokerUser,
                    System.getenv(BROKER_PASSWORD));
        } catch (IllegalArgumentException e) {
            return error(err, e.getMessage() + " (the password: $" + BROKER_PASSWORD + ")", null, USAGE_ERROR);
        }
        try {
            broker.serveUntilStopped(() -> {
                spec.commandLine().getOut().println("broker listening on " + broker.url() + " (journal in "
                        + brokerDirectory + "); stop it with SIGTERM or Ctrl-C");
                spec.commandLine().getOut().flush();
            }, e -> err.println("error: stopping the broker: " + oneLine(message(e))));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            return error(err, "the broker did not start on " + broker.url() + ": " + oneLine(message(rootCause(e))), e,
                    USAGE_ERROR);
        }
        return SUCCESS;
    }

    /**
     * A bad setting or file is said in its own words; routes that do not load (a broken YAML file, an unknown
     * bean) are named as such. Both are configuration errors.
     */
    private int failedToStart(PrintWriter err, Exception e) {
        Throwable said = cause(e, ConfigException.class::isInstance);
        if (said == null) {
            said = cause(e, cause -> cause instanceof IllegalArgumentException
                    && String.valueOf(cause.getMessage()).startsWith("sync."));
        }
        if (said != null) {
            return error(err, said.getMessage(), e, USAGE_ERROR);
        }
        return error(err, "the routes did not start: " + oneLine(message(rootCause(e))), e, USAGE_ERROR);
    }

    /** One line for the user; the stack trace only with --debug. */
    private int error(PrintWriter err, String message, Exception e, int exitCode) {
        err.println("error: " + message);
        if (debug && e != null) {
            e.printStackTrace(err);
        }
        return exitCode;
    }

    private static String oneLine(String message) {
        return message.replaceAll("\\s*\\n\\s*", " ").replaceAll("\\s*\\^\\s*", " ").trim();
    }

    /**
     * The flags that were given, as the {@code sync.*} override properties they set: they win over the packaged
     * {@code application.properties} and the working directory's. {@code CAMEL_IMAGE_SYNCER_CHUNK_MIB} sets
     * {@code sync.upload.chunkMib}.
     */
    Map<String, String> overrides(Map<String, String> environment) {
        Map<String, String> overrides = new LinkedHashMap<>();
        put(overrides, "sync.config.file", configFile);
        put(overrides, "sync.auth.file", authFile);
        put(overrides, "sync.images.file", imagesFile);
        put(overrides, "sync.proc", proc);
        put(overrides, "sync.retries", retries);
        put(overrides, "sync.readTimeout", readTimeoutSeconds);
        put(overrides, "sync.stopTimeout", stopTimeoutSeconds);
        put(overrides, "sync.registry", registry);
        put(overrides, "sync.namespace", namespace);
        put(overrides, "sync.output.success", successOutput);
        put(overrides, "sync.output.failed", failedOutput);
        put(overrides, "sync.output.format", outputFormat);
        put(overrides, "sync.schedule", schedule);
        put(overrides, "sync.http.port", httpPort);
        put(overrides, "sync.http.host", httpHost);
        put(overrides, "sync.reports.dir", reportsDir);
        put(overrides, "sync.upload.chunkMib", environment.get(CHUNK_MIB));
        if (force) {
            overrides.put("sync.force", "true");
        }
        if (referrers) {
            overrides.put("sync.referrers", "true");
        }
        if (prune) {
            overrides.put("sync.prune", "true");
        }
        put(overrides, "sync.prune.max", pruneMax);
        if (dryRun) {
            overrides.put("sync.dryRun", "true");
        }
        put(overrides, "sync.output.plan", planFile);
        if (skipExisting) {
            overrides.put("sync.skipExisting", "true");
        }
        if (!includeTags.isEmpty()) {
            overrides.put("sync.tags.include", String.join("\n", includeTags) + "\n");
        }
        if (!excludeTags.isEmpty()) {
            overrides.put("sync.tags.exclude", String.join("\n", excludeTags) + "\n");
        }
        put(overrides, "sync.tags.latest", latest);
        if (!sources.isEmpty()) {
            overrides.put("sync.images.inline", inlineImages());
        }
        if (!artifactTypes.isEmpty()) {
            overrides.put("sync.artifactTypes", String.join(",", artifactTypes));
        }
        if (!os.isEmpty()) {
            overrides.put("sync.os", String.join(",", os));
        }
        if (!arch.isEmpty()) {
            overrides.put("sync.arch", String.join(",", arch));
        }
        if (!caFiles.isEmpty()) {
            overrides.put("sync.caFiles", String.join(",", caFiles.stream().map(Object::toString).toList()));
        }
        return overrides;
    }

    /** The {@code --src}/{@code --dest} pairs as an images map in JSON: a source given twice gets both. */
    private String inlineImages() {
        Map<String, List<String>> images = new LinkedHashMap<>();
        for (int i = 0; i < sources.size(); i++) {
            images.computeIfAbsent(sources.get(i), source -> new ArrayList<>()).add(destinations.get(i));
        }
        try {
            return new ObjectMapper().writeValueAsString(images);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("--src/--dest as JSON", e);
        }
    }

    private static void put(Map<String, String> overrides, String key, Object value) {
        if (value != null) {
            overrides.put(key, value.toString());
        }
    }

    /** The outermost of {@code e} and its causes that {@code wanted} accepts (Camel wraps what a bean threw), or null. */
    private static Throwable cause(Throwable e, Predicate<Throwable> wanted) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (wanted.test(cause)) {
                return cause;
            }
        }
        return null;
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
            Package own = ImageSyncerApplication.class.getPackage();
            String version = own.getImplementationVersion();
            String commit = BuildInfo.commit();
            return new String[] {
                "camel-image-syncer " + (version != null ? version : "development build")
                        + (commit != null ? " (commit " + commit + ")" : ""),
                "Apache Camel " + BuildInfo.camelVersion(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
            };
        }
    }
}

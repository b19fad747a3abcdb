package dev.imagesyncer.app;

import dev.imagesyncer.cluster.RunsTable;
import dev.imagesyncer.config.DefaultDestination;
import dev.imagesyncer.config.RuleOptions;
import dev.imagesyncer.config.TagFilter;
import dev.imagesyncer.copy.CopyOptions;
import dev.imagesyncer.copy.ReferrerSelection;
import dev.imagesyncer.copy.PlatformFilter;
import dev.imagesyncer.pipeline.ActiveRuns;
import dev.imagesyncer.pipeline.BlobTally;
import dev.imagesyncer.pipeline.BlobsLanded;
import dev.imagesyncer.pipeline.CopyBlob;
import dev.imagesyncer.pipeline.CopyReferrers;
import dev.imagesyncer.pipeline.DispatchCopy;
import dev.imagesyncer.pipeline.Dispatching;
import dev.imagesyncer.pipeline.DryRun;
import dev.imagesyncer.pipeline.PlannedElsewhere;
import dev.imagesyncer.pipeline.ReturnOutcome;
import dev.imagesyncer.pipeline.PruneDestinations;
import dev.imagesyncer.pipeline.RecordPlan;
import dev.imagesyncer.pipeline.EventBodies;
import dev.imagesyncer.pipeline.FailureRecorder;
import dev.imagesyncer.pipeline.HeadSource;
import dev.imagesyncer.pipeline.HeadersFromBody;
import dev.imagesyncer.pipeline.JobList;
import dev.imagesyncer.pipeline.ListTags;
import dev.imagesyncer.pipeline.PlanCopy;
import dev.imagesyncer.pipeline.PushManifests;
import dev.imagesyncer.pipeline.RecordCopy;
import dev.imagesyncer.pipeline.RedeliveryLog;
import dev.imagesyncer.pipeline.RunInterrupted;
import dev.imagesyncer.pipeline.RunSettings;
import dev.imagesyncer.registry.http.CaFiles;
import dev.imagesyncer.service.ManagementApi;
import dev.imagesyncer.service.PrometheusSyncMetrics;
import dev.imagesyncer.service.SyncMetrics;
import dev.imagesyncer.service.ManagementGuard;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.spi.Registry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one place where the beans the routes call are made and bound, from the {@code sync.*} properties (each
 * documented, with its default, in the packaged {@code application.properties}). Also registers the two thread
 * pool profiles the routes split on (Camel makes one pool per split that names a profile):
 * {@value #WORKERS} (rules, and images, in parallel: 4 x {@code sync.proc} threads each, as images mostly wait
 * for registries) and {@value #TRANSFERS} (blob transfers, the one split of {@code copy-image}: exactly
 * {@code sync.proc} threads and an unbounded queue, so {@code --proc} bounds the transfers of all images and no
 * caller ever transfers on its own thread).
 *
 * <p>Checks the files at start: a bad auth or images file stops the application before anything is copied.
 */
public final class SyncBeans implements CamelConfiguration {

    static final String WORKERS = "syncWorkers";
    static final String TRANSFERS = "syncTransfers";

    private final Map<String, String> environment;
    private final Clock clock;
    private ActiveRuns runs;
    private ManagementGuard guard;

    public SyncBeans(Map<String, String> environment, Clock clock) {
        this.environment = Map.copyOf(environment);
        this.clock = clock;
    }

    @Override
    public void configure(CamelContext context) {
        SyncProperties properties = new SyncProperties(context.getPropertiesComponent());
        boolean service = properties.text("sync.schedule") != null;
        RunSettings settings = settings(properties, service);
        if (settings.inputs().imagesFile() != null || settings.inputs().configFile() != null
                || settings.inputs().inlineImages() != null) {
            dev.imagesyncer.config.SyncConfig config = ActiveRuns.loadConfig(settings);
            if (properties.text("sync.cluster.brokerUrl") != null) {
                config.refuseLayouts();
            }
        }
        int proc = settings.transfers().proc();
        context.getExecutorServiceManager().registerThreadPoolProfile(new ThreadPoolProfileBuilder(WORKERS)
                .poolSize(4 * proc).maxPoolSize(4 * proc).maxQueueSize(Integer.MAX_VALUE)
                .rejectedPolicy(ThreadPoolRejectedPolicy.Abort).build());
        context.getExecutorServiceManager().registerThreadPoolProfile(new ThreadPoolProfileBuilder(TRANSFERS)
                .poolSize(proc).maxPoolSize(proc).maxQueueSize(Integer.MAX_VALUE)
                .rejectedPolicy(ThreadPoolRejectedPolicy.Abort).build());

        // a single run has nobody to scrape metrics: it counts nothing and never loads Micrometer
        SyncMetrics metrics = service ? new PrometheusSyncMetrics(meterRegistry(context), clock) : SyncMetrics.NONE;
        runs = new ActiveRuns(settings, metrics, clock, runsTable(properties), Duration.ofSeconds(
                properties.number("sync.cluster.outcomeTimeout", "sync.cluster.outcomeTimeout", 0, 21_600)));
        Registry registry = context.getRegistry();
        registry.bind("runs", runs);
        registry.bind("listTags", new ListTags(runs));
        registry.bind("jobList", new JobList());
        registry.bind("headSource", new HeadSource(runs));
        registry.bind("headersFromBody", new HeadersFromBody());
        registry.bind("planCopy", new PlanCopy(runs));
        registry.bind("copyBlob", new CopyBlob(runs));
        registry.bind("blobTally", new BlobTally());
        registry.bind("blobsLanded", new BlobsLanded());
        registry.bind("pushManifests", new PushManifests(runs));
        registry.bind("copyReferrers", new CopyReferrers(runs));
        registry.bind("dryRun", new DryRun(runs));
        registry.bind("pruneDestinations", new PruneDestinations(runs));
        registry.bind("recordPlan", new RecordPlan(runs));
        registry.bind("recordCopy", new RecordCopy(runs));
        registry.bind("runInterrupted", new RunInterrupted(runs));
        registry.bind("failures", new FailureRecorder(runs));
        registry.bind("redeliveryLog", new RedeliveryLog(runs, metrics));
        registry.bind("events", new EventBodies(metrics));
        // cluster mode: the copy jobs go through the job queue, their outcomes back to the planner
        boolean cluster = properties.text("sync.cluster.brokerUrl") != null;
        registry.bind("dispatching", new Dispatching(runs, cluster));
        registry.bind("plannedElsewhere", new PlannedElsewhere(runs));
        if (cluster) {
            String node = ClusterMode.node(properties);
            registry.bind("dispatchCopy", new DispatchCopy(runs, ClusterMode.outcomesQueue(properties, node)));
            registry.bind("returnOutcome", new ReturnOutcome(node));
        }
        guard = new ManagementGuard(token(properties));
        registry.bind("management", new ManagementApi(
                settings.outputs().reportsDir() != null ? settings.outputs().reportsDir() : Path.of("reports"),
                metrics));
    }

    /**
     * camel-micrometer's registry (service mode switches {@code camel.metrics} on): the one it bound as
     * {@code metricsRegistry}, or a new one bound there for it to find.
     */
    private static PrometheusMeterRegistry meterRegistry(CamelContext context) {
        PrometheusMeterRegistry registry = context.getRegistry().lookupByNameAndType(
                MicrometerConstants.METRICS_REGISTRY_NAME, PrometheusMeterRegistry.class);
        if (registry == null) {
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            context.getRegistry().bind(MicrometerConstants.METRICS_REGISTRY_NAME, registry);
        }
        return registry;
    }

    /**
     * The management endpoints' bearer token: the first line of {@code sync.http.tokenFile}, else
     * {@code sync.http.token}; null for none.
     */
    private static String token(SyncProperties properties) {
        Path file = properties.path("sync.http.tokenFile");
        if (file == null) {
            return properties.text("sync.http.token");
        }
        try {
            String token = Files.readAllLines(file).stream().findFirst().map(String::trim).orElse("");
            if (token.isEmpty()) {
                throw new IllegalArgumentException("sync.http.tokenFile: " + file + " is empty");
            }
            return token;
        } catch (IOException e) {
            throw new IllegalArgumentException("sync.http.tokenFile: cannot read " + file + " ("
                    + e.getClass().getSimpleName() + ")", e);
        }
    }

    /** What the management server checks before the routes, once {@link #configure} ran. */
    ManagementGuard guard() {
        return guard;
    }

    /** The runs, once {@link #configure} ran. */
    ActiveRuns runs() {
        return runs;
    }

    /** Cluster mode ({@code sync.cluster.jdbcUrl}): the runs of every instance; null for one instance. */
    private static RunsTable runsTable(SyncProperties properties) {
        String jdbcUrl = properties.text("sync.cluster.jdbcUrl");
        if (jdbcUrl == null) {
            return null;
        }
        String node = ClusterMode.node(properties);
        return new RunsTable(jdbcUrl, properties.text("sync.cluster.jdbcUser"),
                properties.text("sync.cluster.jdbcPassword"), node, Duration.ofSeconds(5));
    }

    /**
     * What this instance sends as {@code User-Agent}: {@code camel-image-syncer/<version>}, and in cluster mode
     * {@code node/<node>} after it, so that a registry's log (or a test's front) tells which instance made a
     * request.
     */
    private static String userAgent(SyncProperties properties) {
        String version = SyncBeans.class.getPackage().getImplementationVersion();
        String agent = "camel-image-syncer/" + (version != null ? version : "dev");
        // one instance names no node: its host name stays out of the logs of registries it does not own
        return ClusterMode.enabled(properties) ? agent + " node/" + ClusterMode.node(properties) : agent;
    }

    /** What the flags set for every rule that does not set it itself: tag filters, skipExisting. */
    private static RuleOptions ruleDefaults(SyncProperties properties) {
        List<String> include = properties.regexes("sync.tags.include");
        List<String> exclude = properties.regexes("sync.tags.exclude");
        long latest = properties.number("sync.tags.latest", "--latest", 1, 0);
        TagFilter tags = new TagFilter(
                include.isEmpty() ? null : TagFilter.patterns(include, "sync.tags.include (--include-tag)"),
                exclude.isEmpty() ? null : TagFilter.patterns(exclude, "sync.tags.exclude (--exclude-tag)"),
                null, latest == 0 ? null : (int) Math.min(latest, Integer.MAX_VALUE));
        return new RuleOptions(tags, properties.bool("sync.skipExisting", "--skip-existing"), null);
    }

    private RunSettings settings(SyncProperties properties, boolean service) {
        RunSettings.Inputs inputs = new RunSettings.Inputs(properties.path("sync.config.file"),
                properties.path("sync.auth.file"), properties.path("sync.images.file"),
                DefaultDestination.resolve(properties.text("sync.registry"), properties.text("sync.namespace"),
                        environment),
                environment, properties.text("sync.images.inline"));
        properties.number("sync.retries.multiplier", "sync.retries.multiplier", 1, 2);
        properties.number("sync.retries.maxDelay", "milliseconds", 0, 60000);
        List<String> artifactTypes = properties.list("sync.artifactTypes");
        boolean referrers = properties.bool("sync.referrers", "--referrers");
        CopyOptions copy = new CopyOptions(properties.bool("sync.force", "--force"),
                PlatformFilter.of(properties.list("sync.os"), properties.list("sync.arch")),
                new ReferrerSelection(referrers, artifactTypes));
        RunSettings.Transfers transfers = new RunSettings.Transfers(
                (int) properties.number("sync.proc", "--proc", 1, 5),
                (int) properties.number("sync.retries", "--retries", 0, 2),
                Duration.ofMillis(properties.number("sync.retries.delay", "milliseconds", 0, 1000)),
                Duration.ofSeconds(properties.number("sync.readTimeout", "--read-timeout", 1, 300)),
                properties.number("sync.upload.chunkMib", "CAMEL_IMAGE_SYNCER_CHUNK_MIB", 1, 64) << 20,
                properties.list("sync.caFiles").stream().map(Path::of).toList(), userAgent(properties));
        try {
            CaFiles.read(transfers.caFiles());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sync.caFiles (--ca-file): " + e.getMessage(), e);
        }
        String format = properties.text("sync.output.format", "yaml").toLowerCase(Locale.ROOT);
        if (!format.equals("yaml") && !format.equals("json")) {
            throw new IllegalArgumentException("sync.output.format (--output-images-format) must be yaml or json, not "
                    + format);
        }
        Path reports = properties.path("sync.reports.dir");
        RunSettings.Outputs outputs = new RunSettings.Outputs(properties.path("sync.output.success"),
                properties.path("sync.output.failed"), format,
                reports != null ? reports : service ? Path.of("reports") : null,
                (int) properties.number("sync.reports.keep", "sync.reports.keep", 1, 20));
        RunSettings.DryRunSettings dryRun = new RunSettings.DryRunSettings(
                properties.bool("sync.dryRun", "--dry-run"), properties.path("sync.output.plan"));
        if (dryRun.planFile() != null && Files.isDirectory(dryRun.planFile())) {
            throw new IllegalArgumentException("sync.output.plan (--output-plan): " + dryRun.planFile()
                    + " is a directory; name a file");
        }
        if (dryRun.planFile() != null && !dryRun.enabled()) {
            throw new IllegalArgumentException("sync.output.plan (--output-plan) writes a dry run's plan: add --dry-run "
                    + "(sync.dryRun = true), or leave it out");
        }
        RunSettings.PruneSettings prune = new RunSettings.PruneSettings(properties.bool("sync.prune", "--prune"),
                (int) properties.number("sync.prune.max", "--prune-max", 0, 100));
        return new RunSettings(inputs, copy, transfers, outputs, ruleDefaults(properties), dryRun, prune);
    }
}

package dev.imagesyncer.app;

import dev.imagesyncer.pipeline.FailureRecorder;
import dev.imagesyncer.pipeline.ImageSync;
import dev.imagesyncer.pipeline.RetryCounter;
import dev.imagesyncer.pipeline.SyncEvents;
import dev.imagesyncer.pipeline.SyncRuns;
import dev.imagesyncer.pipeline.SyncSettings;
import dev.imagesyncer.pipeline.TagResolver;
import dev.imagesyncer.report.SyncSummary;
import dev.imagesyncer.service.ManagementApi;
import dev.imagesyncer.service.PrometheusSyncMetrics;
import dev.imagesyncer.service.SyncMetrics;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Camel application: camel-main with the sync routes (the YAML in the jar, or the files of {@code --routes})
 * and the Java beans they call. {@link #runOnce()} sends one exchange through {@code direct:sync};
 * {@link #serve()} starts the Quartz route and runs until SIGTERM, which lets the images in progress finish.
 */
public final class SyncApplication implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SyncApplication.class);

    /** The route file of service mode (Quartz schedule, seda:sync), left out of one-shot runs. */
    static final String SERVICE_ROUTES = "service.camel.yaml";

    private final Main main;
    private final ExecutorService workers;
    private final ExecutorService transfers;
    private final SyncRuns syncRuns;

    private SyncApplication(SyncSettings settings, Path routesDir, ServiceProperties properties) {
        // images mostly wait for the registry (HEAD, GET manifest, their blob transfers): more of them than
        // transfers keeps a WAN link busy; the transfers pool alone bounds the blob traffic to --proc
        this.workers = Executors.newFixedThreadPool(4 * settings.proc(), namedThreads("sync-worker"));
        this.transfers = Executors.newFixedThreadPool(settings.proc(), namedThreads("sync-transfer"));
        this.main = new Main();
        main.configure().withRoutesIncludePattern(routesDir != null
                ? "file:" + routesDir.toAbsolutePath() + "/*.camel.yaml"
                : "classpath:routes/*.camel.yaml");
        if (properties.schedule() == null) {
            // one run needs no scheduler nor queue: Quartz and a SEDA consumer would double the start-up time
            main.configure().withRoutesExcludePattern("**/" + SERVICE_ROUTES);
        }
        properties.all().forEach((key, value) -> main.addInitialProperty(key.toString(), value.toString()));
        main.addInitialProperty("sync.retries", Integer.toString(settings.retries()));
        main.addInitialProperty("sync.retryDelay", Long.toString(settings.retryDelayMillis()));
        if (properties.schedule() != null) {
            main.addInitialProperty("sync.schedule", properties.schedule());
            // the management endpoints (service.camel.yaml) on camel-main's HTTP server
            main.addInitialProperty("camel.server.enabled", "true");
            main.addInitialProperty("camel.server.port", properties.all().getProperty("sync.http.port", "8080"));
        }
        main.addInitialProperty("sync.events.uri", properties.eventsUri());
        SyncMetrics metrics = properties.schedule() != null
                ? new PrometheusSyncMetrics(Clock.systemUTC())
                : SyncMetrics.NONE;
        RetryCounter retries = new RetryCounter(metrics);
        this.syncRuns = new SyncRuns(settings, transfers, retries, Clock.systemUTC());
        main.bind("syncWorkers", workers);
        main.bind("syncRuns", syncRuns);
        main.bind("events", new SyncEvents(metrics));
        main.bind("management", new ManagementApi(
                settings.reportsDir() != null ? settings.reportsDir() : Path.of("reports"), metrics));
        main.bind("tagResolver", new TagResolver());
        main.bind("imageSync", new ImageSync());
        main.bind("failures", new FailureRecorder());
        main.bind("retries", retries);
    }

    /** Starts the routes for one run. */
    public static SyncApplication oneShot(SyncSettings settings, Path routesDir, ServiceProperties properties)
            throws Exception {
        SyncApplication application = new SyncApplication(settings, routesDir, properties);
        application.main.start();
        return application;
    }

    /** Prepares service mode: {@link #serve()} runs it. */
    public static SyncApplication service(SyncSettings settings, Path routesDir, ServiceProperties properties) {
        SyncApplication application = new SyncApplication(settings, routesDir, properties);
        application.main.configure().setShutdownTimeout(600);
        application.main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterStart(BaseMainSupport main) {
                LOG.info("service mode: a sync at each fire of \"{}\"", properties.schedule());
            }

            @Override
            public void beforeStop(BaseMainSupport main) {
                application.syncRuns.interrupt();
            }
        });
        return application;
    }

    /** Runs the service until the process is asked to stop (SIGTERM, SIGINT). */
    public void serve() throws Exception {
        main.run();
    }

    /** The running Camel context, for an embedding application or a test. */
    public org.apache.camel.CamelContext camelContext() {
        return main.getCamelContext();
    }

    public SyncSummary runOnce() throws Exception {
        return main.getCamelTemplate().requestBody("direct:sync", null, SyncSummary.class);
    }

    @Override
    public void close() {
        try {
            main.stop();
        } finally {
            workers.shutdownNow();
            transfers.shutdownNow();
        }
    }

    private static ThreadFactory namedThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}

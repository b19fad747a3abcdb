package dev.imagesyncer.app;

import dev.imagesyncer.pipeline.ActiveRuns;
import dev.imagesyncer.report.RunSummary;
import org.apache.camel.CamelContext;
import dev.imagesyncer.cluster.ClusteredSchedule;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.main.SimpleMainShutdownStrategy;
import org.apache.camel.spi.PropertiesComponent;
import dev.imagesyncer.schedule.Schedule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Camel application: camel-main with the sync routes (the YAML in the jar, or the files of {@code --routes}),
 * the properties (the packaged {@code application.properties}, then the working directory's or
 * {@code --properties}, then override properties, which the command line's flags become) and the beans of
 * {@link SyncBeans}. With {@code sync.schedule} set it is a service ({@link #serve()}: Quartz fires, the HTTP
 * management endpoints, until SIGTERM); otherwise {@link #runOnce()} sends one exchange through
 * {@code direct:sync}. In both, SIGTERM and Ctrl-C stop the run going at its next chunk boundary
 * ({@link GracefulStop}), within {@code sync.stopTimeout} seconds, Camel's graceful-shutdown timeout too.
 */
public final class SyncApplication implements AutoCloseable {

    /** The schedule is Quartz's clustered job store (sync.cluster.jdbcUrl): one firing per slot across nodes. */
    private boolean clusteredSchedule;

    private static final Logger LOG = LoggerFactory.getLogger(SyncApplication.class);

    /** The route file of service mode (Quartz schedule, seda:sync, management), left out of one-shot runs. */
    static final String SERVICE_ROUTES = "service.camel.yaml";
    /** The route file of every run. */
    static final String SYNC_ROUTES = "sync.camel.yaml";
    /** The longest stop timeout: a day. */
    private static final long MAX_STOP_TIMEOUT_SECONDS = 86_400;

    private final Main main;
    /** The directory of edited routes ({@code --routes}), or null for the packaged ones. */
    private final Path routesDir;
    /** Cluster mode's JMS side (sync.cluster.brokerUrl), or null. */
    private volatile ClusterMessaging cluster;
    private final SyncBeans beans;
    private volatile boolean service;
    private volatile Duration stopTimeout;
    private GracefulStop stop;
    private volatile Schedule schedule;
    private volatile String host;
    private volatile int port;

    private SyncApplication(Path routesDir, Path propertiesFile, Map<String, String> overrides,
                            Map<String, String> environment) {
        this.main = new Main();
        // SIGTERM and Ctrl-C are GracefulStop's: camel-main's hangup interceptor would wait longer than the stop
        // timeout for a run in flight
        main.setShutdownStrategy(new SimpleMainShutdownStrategy());
        this.beans = new SyncBeans(environment, Clock.systemUTC());
        // the first location that has a key wins: the user's file, then the packaged defaults
        main.setPropertyPlaceholderLocations((propertiesFile != null ? "file:" + propertiesFile.toAbsolutePath()
                : "file:application.properties;optional=true") + ",classpath:application.properties;optional=true");
        overrides.forEach(main::addOverrideProperty);
        main.configure().addConfiguration(beans);
        this.routesDir = routesDir;
        if (routesDir != null) {
            main.configure().withRoutesIncludePattern("file:" + routesDir.toAbsolutePath() + "/*.camel.yaml");
        }
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport support) {
                // the properties are loaded, the routes not yet: one run or a service decides which
                PropertiesComponent properties = support.getCamelContext().getPropertiesComponent();
                SyncProperties sync = new SyncProperties(properties);
                stopTimeout = Duration.ofSeconds(sync.number("sync.stopTimeout", "--stop-timeout", 1, 60));
                if (stopTimeout.toSeconds() > MAX_STOP_TIMEOUT_SECONDS) {
                    throw new IllegalArgumentException("sync.stopTimeout (--stop-timeout) must be at most "
                            + MAX_STOP_TIMEOUT_SECONDS + " seconds, not " + stopTimeout.toSeconds());
                }
                main.configure().setShutdownTimeout((int) stopTimeout.toSeconds());
                String written = sync.text("sync.schedule");
                service = written != null;
                if (sync.text("sync.cluster.brokerUrl") != null) {
                    cluster = ClusterMessaging.configure(sync, support.getCamelContext(), properties,
                            (int) sync.number("sync.proc", "--proc", 1, 5));
                } else if (sync.text("sync.cluster.embeddedBroker") != null) {
                    throw new IllegalArgumentException("sync.cluster.embeddedBroker runs a broker for cluster mode: "
                            + "set sync.cluster.brokerUrl (tcp://127.0.0.1:61616) too, or leave it out");
                }
                List<String> left = new ArrayList<>();
                if (!service) {
                    // one run needs no scheduler, queue nor HTTP server: they would double the start-up time
                    left.add("**/" + SERVICE_ROUTES);
                }
                if (cluster == null) {
                    left.add("**/" + ClusterMode.ROUTES);
                }
                if (routesDir == null) {
                    // the packaged routes by name: a wildcard would scan the fat jar's 30,000 entries at each start
                    List<String> named = new ArrayList<>(List.of("classpath:routes/" + SYNC_ROUTES));
                    if (service) {
                        named.add("classpath:routes/" + SERVICE_ROUTES);
                    }
                    if (cluster != null) {
                        named.add("classpath:routes/" + ClusterMode.ROUTES);
                    }
                    main.configure().withRoutesIncludePattern(String.join(",", named));
                } else if (!left.isEmpty()) {
                    main.configure().withRoutesExcludePattern(String.join(",", left));
                }
                if (!service) {
                    return;
                }
                try {
                    schedule = Schedule.parse(written);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("sync.schedule (--schedule): " + e.getMessage(), e);
                }
                // the routes read {{sync.schedule}}: the Quartz form of what was written
                properties.addOverrideProperty("sync.schedule", schedule.quartz());
                String jdbcUrl = sync.text("sync.cluster.jdbcUrl");
                if (jdbcUrl != null) {
                    // one firing per slot across the instances: Quartz's clustered job store on PostgreSQL, and
                    // the same context name everywhere (a job fired on another node looks its context up by name)
                    ClusteredSchedule clustered = new ClusteredSchedule(jdbcUrl, sync.text("sync.cluster.jdbcUser"),
                            sync.text("sync.cluster.jdbcPassword"));
                    try {
                        clustered.createTables();
                    } catch (java.sql.SQLException e) {
                        throw new IllegalArgumentException("sync.cluster.jdbcUrl: the schedule's database cannot be "
                                + "used: " + e.getMessage(), e);
                    }
                    properties.addOverrideProperty("camel.main.name", "camel-image-syncer");
                    support.getCamelContext().getComponent("quartz", QuartzComponent.class)
                            .setProperties(clustered.quartzProperties());
                    clusteredSchedule = true;
                }
                host = sync.text("sync.http.host", "127.0.0.1");
                port = ManagementAddress.port(sync.text("sync.http.port", "8080"));
                ManagementAddress.requireFree(host, port);
                // camel-micrometer's registry and route meters; scraped by GET /metrics (camel.management stays
                // off: it would bind 0.0.0.0)
                main.configure().metrics().withEnabled(true);
                main.configure().httpServer().withEnabled(true).withHost(host).withPort(port);
            }

            @Override
            public void afterStart(BaseMainSupport support) {
                if (service) {
                    beans.guard().install(support.getCamelContext(), port);
                    LOG.info("service mode: a sync at each fire of \"{}\"{}{}", schedule.written(), schedule.converted()
                            ? " (the Quartz cron \"" + schedule.quartz() + "\")" : "", clusteredSchedule
                            ? ", fired by one instance of the cluster per slot (Quartz on PostgreSQL)" : "");
                    LOG.info("management endpoints on http://{}:{}/ ({})", host.contains(":") ? "[" + host + "]"
                            : host, port, beans.guard().requiresToken() ? "a bearer token required, but for /health"
                            : "no token: set sync.http.token to require one");
                }
            }

            @Override
            public void beforeStop(BaseMainSupport support) {
                stopTakingJobs();
                ActiveRuns runs = beans.runs();
                if (runs != null) {
                    runs.interrupt();
                }
            }
        });
    }

    /**
     * Starts the application.
     *
     * @param routesDir      the directory of edited routes ({@code --routes}), or null for the packaged ones
     * @param propertiesFile a properties file instead of the working directory's ({@code --properties}), or null
     * @param overrides      properties that win over both files (what the command line's flags say)
     * @param environment    the variables the images and auth files expand
     * @throws Exception when the routes do not load or a setting or file is bad
     *                   ({@link dev.imagesyncer.config.ConfigException}, {@link IllegalArgumentException})
     */
    public static SyncApplication start(Path routesDir, Path propertiesFile, Map<String, String> overrides,
                                        Map<String, String> environment) throws Exception {
        SyncApplication application = new SyncApplication(routesDir, propertiesFile, overrides, environment);
        try {
            application.main.start();
        } catch (Exception e) {
            application.close();
            throw e;
        }
        application.stop = new GracefulStop(application.beans.runs(), application.stopTimeout,
                application::stopTakingJobs, application::stopWithin).install();
        return application;
    }

    /** True when {@code sync.schedule} is set: the application runs until it is stopped. */
    public boolean isService() {
        return service;
    }

    /** Runs the service until the process is asked to stop (SIGTERM, SIGINT). */
    public void serve() throws Exception {
        try {
            main.run();
        } finally {
            stopBroker();
        }
    }

    /** The running Camel context, for an embedding application or a test. */
    public CamelContext camelContext() {
        return main.getCamelContext();
    }

    /** One run over the configured files. */
    public RunSummary runOnce() throws Exception {
        return main.getCamelTemplate().requestBody("direct:sync", null, RunSummary.class);
    }

    /**
     * Cluster mode, first thing on a stop: the {@code copy-job} consumers take no new job, so that a stopping
     * instance does not receive jobs only to give them back; the copies in progress go on (and stop with the run).
     */
    private void stopTakingJobs() {
        CamelContext context = main.getCamelContext();
        org.apache.camel.Route route = context == null ? null : context.getRoute("copy-job");
        if (route != null && route.getConsumer() instanceof org.apache.camel.component.jms.JmsConsumer jobs) {
            try {
                jobs.getListenerContainer().stop();
            } catch (Exception e) {
                LOG.warn("stopping the job consumers: {}", e.getMessage());
            }
        }
    }

    /** Stops Camel gracefully, giving in-flight exchanges (an HTTP call, an event) at most {@code time}. */
    private void stopWithin(Duration time) {
        main.getCamelContext().getShutdownStrategy().setTimeout(Math.max(1, time.toSeconds()));
        main.stop();
        stopBroker();
    }

    @Override
    public void close() {
        if (stop != null) {
            stop.uninstall();
        }
        main.stop();
        stopBroker();
    }

    /** The embedded broker stops after Camel, whose consumers would fail on a broker gone first. */
    private void stopBroker() {
        ClusterMessaging running = cluster;
        cluster = null;
        if (running != null) {
            try {
                running.close();
            } catch (Exception e) {
                LOG.warn("stopping the embedded broker: {}", e.getMessage());
            }
        }
    }
}

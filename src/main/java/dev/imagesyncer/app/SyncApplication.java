package dev.imagesyncer.app;

import dev.imagesyncer.pipeline.FailureRecorder;
import dev.imagesyncer.pipeline.ImageSync;
import dev.imagesyncer.pipeline.RetryAfterDelay;
import dev.imagesyncer.pipeline.SyncRuns;
import dev.imagesyncer.pipeline.SyncSettings;
import dev.imagesyncer.pipeline.TagResolver;
import dev.imagesyncer.report.SyncSummary;
import org.apache.camel.main.Main;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Camel application: camel-main with the sync routes (the YAML in the jar, or the files of {@code --routes})
 * and the Java beans they call. {@link #runOnce()} sends one exchange through {@code direct:sync}.
 */
public final class SyncApplication implements AutoCloseable {

    private final Main main;
    private final ExecutorService workers;
    private final ExecutorService transfers;

    private SyncApplication(SyncSettings settings, Path routesDir) {
        // images mostly wait for the registry (HEAD, GET manifest, their blob transfers): more of them than
        // transfers keeps a WAN link busy; the transfers pool alone bounds the blob traffic to --proc
        this.workers = Executors.newFixedThreadPool(4 * settings.proc(), namedThreads("sync-worker"));
        this.transfers = Executors.newFixedThreadPool(settings.proc(), namedThreads("sync-transfer"));
        this.main = new Main();
        main.configure().withRoutesIncludePattern(routesDir != null
                ? "file:" + routesDir.toAbsolutePath() + "/*.camel.yaml"
                : "classpath:routes/*.camel.yaml");
        main.addInitialProperty("sync.retries", Integer.toString(settings.retries()));
        main.addInitialProperty("sync.retryDelay", Long.toString(settings.retryDelayMillis()));
        main.bind("syncWorkers", workers);
        main.bind("syncRuns", new SyncRuns(settings, transfers, Clock.systemUTC()));
        main.bind("tagResolver", new TagResolver());
        main.bind("imageSync", new ImageSync());
        main.bind("failures", new FailureRecorder());
        main.bind("retryAfterDelay", new RetryAfterDelay());
    }

    public static SyncApplication start(SyncSettings settings, Path routesDir) throws Exception {
        SyncApplication application = new SyncApplication(settings, routesDir);
        application.main.start();
        return application;
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

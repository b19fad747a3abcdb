package dev.imagesyncer.service;

import dev.imagesyncer.registry.RegistryException;
import dev.imagesyncer.report.ImageOutcome;
import dev.imagesyncer.report.RunSummary;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The service's Prometheus metrics (Micrometer): images per outcome (synced, unchanged, failed, filtered,
 * not started), blobs and bytes copied,
 * retries and 429 answers, run durations, and the last successful sync of each source repository.
 */
public final class PrometheusSyncMetrics implements SyncMetrics {

    private final PrometheusMeterRegistry registry;
    private final Clock clock;
    private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();
    private final Counter blobsCopied;
    private final Counter blobsMounted;
    private final Counter bytes;
    private final Counter retries;
    private final Counter rateLimited;
    private final Timer runs;
    private final Map<String, AtomicLong> lastSuccess = new ConcurrentHashMap<>();

    /**
     * Our meters on {@code registry}: camel-micrometer's registry (bound as {@code metricsRegistry}), so that one
     * scrape shows them beside Camel's own route and exchange meters.
     */
    public PrometheusSyncMetrics(PrometheusMeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        blobsCopied = Counter.builder("imagesyncer.blobs.copied").register(registry);
        blobsMounted = Counter.builder("imagesyncer.blobs.mounted").register(registry);
        bytes = Counter.builder("imagesyncer.bytes.copied").baseUnit("bytes").register(registry);
        retries = Counter.builder("imagesyncer.retries").register(registry);
        rateLimited = Counter.builder("imagesyncer.rate.limited").description("429 answers from registries")
                .register(registry);
        runs = Timer.builder("imagesyncer.run.duration").register(registry);
        ImageOutcome.WORDS.forEach(word -> outcomes.put(word,
                Counter.builder("imagesyncer.images." + word.replace('-', '.')).register(registry)));
    }

    @Override
    public void image(ImageOutcome outcome) {
        outcomes.get(outcome.result()).increment();
        if (ImageOutcome.SYNCED.equals(outcome.result()) || ImageOutcome.UNCHANGED.equals(outcome.result())) {
            String repository = repositoryOf(outcome.source());
            lastSuccess.computeIfAbsent(repository, r -> registry.gauge("imagesyncer.last.success.timestamp.seconds",
                    java.util.List.of(io.micrometer.core.instrument.Tag.of("source", r)), new AtomicLong()))
                    .set(clock.instant().getEpochSecond());
        }
    }

    @Override
    public void run(RunSummary summary) {
        Counter.builder("imagesyncer.runs").description("runs, by status").tag("status", summary.status())
                .register(registry).increment();
        blobsCopied.increment(summary.transfers().blobsCopied());
        blobsMounted.increment(summary.transfers().blobsMounted());
        bytes.increment(summary.transfers().bytes());
        runs.record(summary.duration());
    }

    @Override
    public void retry(Throwable cause) {
        retries.increment();
        if (cause instanceof RegistryException error && error.status() == 429) {
            rateLimited.increment();
        }
    }

    @Override
    public String scrape() {
        return registry.scrape();
    }

    private static String repositoryOf(String reference) {
        int at = reference.indexOf('@');
        String withoutDigest = at < 0 ? reference : reference.substring(0, at);
        int colon = withoutDigest.lastIndexOf(':');
        return colon > withoutDigest.lastIndexOf('/') ? withoutDigest.substring(0, colon) : withoutDigest;
    }
}

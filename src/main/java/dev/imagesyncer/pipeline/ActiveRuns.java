package dev.imagesyncer.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagesyncer.cluster.RunsTable;
import dev.imagesyncer.config.AuthConfig;
import dev.imagesyncer.config.ConfigException;
import dev.imagesyncer.config.ConfigFormat;
import dev.imagesyncer.config.ImagesConfig;
import dev.imagesyncer.config.SyncConfig;
import dev.imagesyncer.config.SyncRule;
import dev.imagesyncer.copy.ReferrerSelection;
import dev.imagesyncer.job.DestinationCheck;
import dev.imagesyncer.job.CopyJob;
import dev.imagesyncer.job.ImageJob;
import dev.imagesyncer.job.JobOutcome;
import dev.imagesyncer.registry.RegistryClient;
import dev.imagesyncer.registry.RegistryClientSettings;
import dev.imagesyncer.registry.ResumePolicy;
import dev.imagesyncer.registry.UploadJournal;
import dev.imagesyncer.registry.auth.CredentialSource;
import dev.imagesyncer.registry.auth.DockerConfigCredentials;
import dev.imagesyncer.report.ImageOutcome;
import dev.imagesyncer.report.ImagesFileWriter;
import dev.imagesyncer.report.RunReportStore;
import dev.imagesyncer.report.RunSummary;
import dev.imagesyncer.report.RunTally;
import dev.imagesyncer.service.SyncMetrics;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The runs of this process, one at a time: {@link #open} starts one (the {@code sync} route's first step),
 * {@link #context} finds what a run uses by its id, {@link #plan} records the jobs it is about to copy,
 * {@link #finish} ends it. {@link #interrupt()} stops it: images not started stay so, chunked uploads stop at
 * their next chunk boundary (journaled for the next run), and no run opens after it; {@link #awaitIdle} waits
 * for the run to end and {@link #abandon} ends it without waiting.
 *
 * <p>In cluster mode this instance also copies jobs of runs other instances planned, taken from the job queue:
 * {@link #join} gives such a run a context here (this instance's own auth file and registry client, a blob
 * ledger the jobs of that run share), which {@link #context} finds like its own run's, and closes it once it has
 * had no job for {@value #JOINED_IDLE_SECONDS} seconds. The planner waits for the outcomes of the jobs it sent
 * ({@link #awaitOutcomes}) and records those that come back ({@link #received}).
 */
public final class ActiveRuns {

    private static final Logger LOG = LoggerFactory.getLogger(ActiveRuns.class);
    private static final Logger PROGRESS = LoggerFactory.getLogger("dev.imagesyncer.progress");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final RunSettings settings;
    private final SyncMetrics metrics;
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean stopping;
    private final AtomicReference<RunContext> active = new AtomicReference<>();
    /** Cluster mode: the runs of every instance; null for one instance. */
    private final RunsTable cluster;
    private final Duration outcomeTimeout;
    private volatile AutoCloseable checkIn;
    /** Cluster mode: the runs other instances planned whose jobs this one copies, by run id. */
    private final Map<String, Joined> joined = new ConcurrentHashMap<>();
    /** How long a joined run with no job in progress stays open, in seconds. */
    static final int JOINED_IDLE_SECONDS = 60;

    /** A run planned elsewhere: its context here, its jobs in progress, and when its last job ended. */
    private record Joined(RunContext run, AtomicInteger copying, AtomicReference<Instant> lastUsed) {
    }

    public ActiveRuns(RunSettings settings, SyncMetrics metrics, Clock clock) {
        this(settings, metrics, clock, null);
    }

    /**
     * Runs that also never overlap with the runs of the other instances of a cluster ({@code cluster}: their
     * table; null for one instance).
     */
    public ActiveRuns(RunSettings settings, SyncMetrics metrics, Clock clock, RunsTable cluster) {
        this(settings, metrics, clock, cluster, Duration.ZERO);
    }

    /**
     * As above; in cluster mode a run waits at most {@code outcomeTimeout} for the next outcome of the copies it
     * sent to the job queue (zero: as long as it takes).
     */
    public ActiveRuns(RunSettings settings, SyncMetrics metrics, Clock clock, RunsTable cluster,
                      Duration outcomeTimeout) {
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
        this.cluster = cluster;
        this.outcomeTimeout = outcomeTimeout;
    }

    /** The exchange property holding the {@link RunSummary} of a run that failed before it could copy anything. */
    public static final String FAILED_RUN = "ImageSyncerFailedRun";

    /**
     * Opens a run over the configured files, or over the images the exchange carries (a map, or JSON/YAML text in
     * the images-file format): sets the header {@link Headers#RUN_ID} and returns the rules, in the file's order.
     * Returns null, without the header, when a run is already going (runs never overlap), and when the files are
     * bad: that run is recorded as failed (report, metrics, one ERROR line) and its {@link RunSummary} put in the
     * exchange property {@value #FAILED_RUN}, for the route to send as an event.
     */
    public List<SyncRule> open(Exchange exchange) {
        Instant started = clock.instant();
        try {
            return start(exchange);
        } catch (ConfigException | IllegalArgumentException bad) {
            exchange.setProperty(FAILED_RUN, failedBeforeCopying(RUN_ID.format(started), started, bad));
            return null;
        }
    }

    /** Records a run that failed before it copied anything (report, one ERROR line); returns it for its event. */
    private RunSummary failedBeforeCopying(String runId, Instant started, RuntimeException why) {
        RunSummary failed = RunSummary.failedToStart(runId, started, clock.instant(), why.getMessage());
        LOG.error("sync run {} failed: {}", failed.runId(), why.getMessage());
        LOG.debug("sync run {} failed", failed.runId(), why);
        record(failed);
        return failed;
    }

    /**
     * As {@link #open}, but a bad images map in the body is thrown, and nothing recorded: for a caller that answers
     * it (POST /sync answers 400). Bad configured files (an empty body) are a failed run, as with {@link #open}.
     *
     * @throws ConfigException when the images map is bad, naming the entry
     */
    public List<SyncRule> openChecked(Exchange exchange) {
        return isEmpty(exchange.getMessage().getBody()) ? open(exchange) : start(exchange);
    }

    private static boolean isEmpty(Object images) {
        return images == null || images instanceof String text && text.isBlank();
    }

    private List<SyncRule> start(Exchange exchange) {
        if (stopping) {
            LOG.warn("sync run skipped: the process is stopping");
            return null;
        }
        if (!running.compareAndSet(false, true)) {
            RunContext current = active.get();
            LOG.warn("sync run skipped: the run {} has not finished", current != null ? current.id() : "starting");
            return null;
        }
        try {
            Object images = exchange.getMessage().getBody();
            SyncConfig config = isEmpty(images) ? loadConfig(settings) : configWithImages(images);
            if (cluster != null) {
                config.refuseLayouts(); // the images file may have changed since the start, or come with the call
            }
            RunContext run = newRun(RUN_ID.format(clock.instant()), config);
            if (cluster != null && !claimInCluster(run)) {
                try {
                    run.close();
                } catch (IOException e) {
                    LOG.debug("closing the registry client of a skipped run failed: {}", e.getMessage());
                }
                running.set(false);
                return null;
            }
            active.set(run);
            if (stopping) {
                run.tally().interrupted(); // a stop that came while the run was opening
            }
            exchange.getMessage().setHeader(Headers.RUN_ID, run.id());
            // however the run's exchange ends, the run ends with it: a failure before finish must not leave it
            // open (and every later run skipped)
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    closeUnfinished(run.id(), done.getException());
                }
            });
            LOG.info("sync run {} started: {} {}", run.id(), config.images().rules().size(),
                    config.images().rules().size() == 1 ? "rule" : "rules");
            return config.images().rules();
        } catch (RuntimeException e) {
            running.set(false);
            throw e;
        }
    }

    /** True when the cluster let run {@code run} open (no run of another instance is open); else says why not. */
    private boolean claimInCluster(RunContext run) {
        Optional<RunsTable.OpenRun> other;
        try {
            other = cluster.claim(run.id());
        } catch (java.sql.SQLException e) {
            LOG.warn("sync run skipped: the cluster's runs table cannot be read: {}", e.getMessage());
            return false;
        }
        if (other.isPresent()) {
            LOG.warn("sync run skipped: the run {} of instance {} has not finished", other.get().id(),
                    other.get().node());
            return false;
        }
        checkIn = cluster.checkIn(run.id());
        return true;
    }

    /** In cluster mode, the run's row closed with {@code status}. */
    private void closeInCluster(String runId, String status) {
        if (cluster == null) {
            return;
        }
        try {
            AutoCloseable checkingIn = checkIn;
            if (checkingIn != null) {
                checkingIn.close();
            }
            cluster.finish(runId, status);
        } catch (Exception e) {
            LOG.warn("sync run {}: the cluster's runs table was not updated ({}); another instance closes it as {}",
                    runId, e.getMessage(), RunsTable.INCOMPLETE);
        }
    }

    private RunContext newRun(String runId, SyncConfig config) {
        RunSettings.Transfers transfers = settings.transfers();
        CredentialSource credentials = config.auth().credentials().orElse(
                DockerConfigCredentials.fromEnvironment(settings.inputs().environment()));
        // per registry host: 2 connections per transfer (source GET, target upload) and 1 per image worker,
        // so that no thread ever waits for a connection that only its own progress would free
        RegistryClientSettings clientSettings = RegistryClientSettings.defaults()
                .withInsecureRegistries(config.auth()::isInsecure)
                .withCaFiles(transfers.caFiles())
                .withRegistryCaFiles(config.auth()::caFile)
                .withConnections(16 * transfers.proc(), 8 * transfers.proc())
                .withReadTimeout(transfers.readTimeout())
                .withUserAgent(transfers.userAgent());
        if (transfers.uploadChunkBytes() > 0) {
            clientSettings = clientSettings.withChunkedUploads(4 * transfers.uploadChunkBytes(),
                    transfers.uploadChunkBytes());
        }
        RunTally tally = new RunTally(clock);
        if (settings.dryRun().enabled()) {
            tally.dryRun();
        }
        ResumePolicy resume = new ResumePolicy(transfers.retries(), transfers.retryDelay(), failure -> {
            metrics.retry(failure);
            tally.retried(failure.status() == 429);
        });
        RegistryClient client = new RegistryClient(clientSettings, credentials, resume,
                new UploadJournal(journalDirectory(settings.inputs().environment())), tally::isInterrupted);
        if (settings.dryRun().enabled()) {
            client.refuseWrites(); // the routes' dryRun filter keeps writes away; this holds even in edited routes
        }
        return new RunContext(runId, settings, config, client, tally);
    }

    /**
     * What the run {@code runId} uses.
     *
     * @throws IllegalStateException when no such run is going (it finished, or never started here)
     */
    public RunContext context(String runId) {
        RunContext run = active.get();
        if (run != null && run.id().equals(runId)) {
            return run;
        }
        Joined other = runId == null ? null : joined.get(runId);
        if (other == null) {
            throw new IllegalStateException("no sync run " + runId + " is going in this process");
        }
        return other.run();
    }

    /**
     * Cluster mode, the first step of a copy job taken from the job queue (body {@link CopyJob}, header
     * {@link Headers#RUN_ID}): a job of this instance's own run is copied and recorded here like any other; a job
     * of a run another instance planned gets that run's context here (made at its first job, with this instance's
     * auth file; {@link #isPlannedElsewhere} is then true for it), and its outcome goes back to its planner.
     *
     * @throws IllegalStateException when this instance is stopping: the job's transaction rolls back and the
     *                               broker gives it to another instance
     */
    public void join(Exchange exchange) {
        if (stopping) {
            throw new IllegalStateException("this instance is stopping: the job goes back to the queue");
        }
        String runId = exchange.getMessage().getHeader(Headers.RUN_ID, String.class);
        CopyJob job = exchange.getMessage().getBody(CopyJob.class);
        if (runId == null || job == null) {
            throw new IllegalArgumentException("a copy job without its run (header " + Headers.RUN_ID
                    + ") or its body: dropped");
        }
        RunContext own = active.get();
        if (own != null && own.id().equals(runId)) {
            return;
        }
        closeIdleJoined();
        // counted inside compute, so that closeIdleJoined cannot close a run between its lookup and its count
        Joined run = joined.compute(runId, (id, existing) -> {
            Joined taken = existing;
            if (taken == null) {
                LOG.info("sync run {} of another instance: copying its jobs here too", id);
                taken = new Joined(newRun(id, jobConfig()), new AtomicInteger(), new AtomicReference<>(clock.instant()));
            }
            taken.copying().incrementAndGet();
            return taken;
        });
        run.run().tally().planned(List.of(job.source()), List.of(List.of(job.destination())));
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                run.lastUsed().set(clock.instant());
                run.copying().decrementAndGet();
            }
        });
    }

    /** The files a joined run copies with: this instance's auth (its images file plays no part). */
    private SyncConfig jobConfig() {
        RunSettings.Inputs inputs = settings.inputs();
        if (inputs.configFile() != null) {
            return new SyncConfig(SyncConfig.load(inputs.configFile(), null, null, inputs.environment(),
                    inputs.defaults()).auth(), new ImagesConfig(List.of()));
        }
        AuthConfig auth = inputs.authFile() != null ? AuthConfig.load(inputs.authFile(), inputs.environment())
                : AuthConfig.empty();
        return new SyncConfig(auth, new ImagesConfig(List.of()));
    }

    /** Closes the joined runs that have had no job in progress for {@value #JOINED_IDLE_SECONDS} seconds. */
    private void closeIdleJoined() {
        Instant idleSince = clock.instant().minusSeconds(JOINED_IDLE_SECONDS);
        for (String id : List.copyOf(joined.keySet())) {
            AtomicReference<Joined> closed = new AtomicReference<>();
            joined.computeIfPresent(id, (key, run) -> {
                if (run.copying().get() == 0 && run.lastUsed().get().isBefore(idleSince)) {
                    closed.set(run);
                    return null;
                }
                return run;
            });
            if (closed.get() != null) {
                try {
                    closed.get().run().close();
                } catch (IOException e) {
                    LOG.debug("closing the registry client of joined run {} failed: {}", id, e.getMessage());
                }
            }
        }
    }

    /**
     * True when run {@code runId} was planned by another instance: this one copies some of its jobs, and their
     * outcomes go back to that instance, which records them and sends their events.
     */
    public boolean isPlannedElsewhere(String runId) {
        RunContext own = active.get();
        return (own == null || !own.id().equals(runId)) && runId != null && joined.containsKey(runId);
    }

    /**
     * Cluster mode: waits until every copy run {@code runId} sent to the job queue has its outcome, or the run is
     * interrupted; says how many it waits for at once, then every 30 seconds, and at the end how long the copies
     * took from the first job sent to the last outcome. When no outcome has come for {@code sync.cluster.outcomeTimeout}
     * seconds, the copies still out fail with that reason (a job nobody takes, or that the broker dead-lettered,
     * must not keep the run, and with it every later run of the cluster, open for ever). Returns at once when it sent none.
     *
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public void awaitOutcomes(String runId) throws InterruptedException {
        RunTally tally = context(runId).tally();
        long said = System.nanoTime() - Duration.ofSeconds(30).toNanos();
        long progress = System.nanoTime();
        int last = -1;
        for (int waiting = tally.awaiting(); waiting > 0 && !tally.isInterrupted(); waiting = tally.awaiting()) {
            if (waiting != last) {
                last = waiting;
                progress = System.nanoTime();
            } else if (!outcomeTimeout.isZero() && System.nanoTime() - progress > outcomeTimeout.toNanos()) {
                String reason = "no outcome came back from the cluster within " + outcomeTimeout.toSeconds()
                        + " s (sync.cluster.outcomeTimeout): no instance took the job, or the broker dead-lettered it";
                LOG.warn("sync run {}: {} copies: {}", runId, waiting, reason);
                tally.unanswered().forEach(pair -> tally.failed(pair.get(0), List.of(pair.get(1)), reason, 1));
                break;
            }
            if (System.nanoTime() - said >= Duration.ofSeconds(30).toNanos()) {
                LOG.info("sync run {}: waiting for the outcomes of {} copies in the cluster", runId, waiting);
                said = System.nanoTime();
            }
            Thread.sleep(20);
        }
        Instant first = tally.firstDispatched();
        if (first != null && !tally.isInterrupted()) {
            double seconds = Math.max(1, Duration.between(first, clock.instant()).toMillis()) / 1000.0;
            LOG.info("sync run {}: {} copies in the cluster took {} s from the first job sent to the last outcome "
                    + "({} images/s)", runId, tally.dispatchedCount(), String.format(java.util.Locale.ROOT, "%.2f", seconds),
                    String.format(java.util.Locale.ROOT, "%.2f", tally.dispatchedCount() / seconds));
        }
    }

    /**
     * Cluster mode: records an outcome that came back from the instance that copied it, in its run's tally.
     * Returns it, for its event; null when its run is not going here any more (it ended, or was closed
     * {@code incomplete}) or the pair already had an outcome (a job delivered twice): said, not counted.
     */
    public ImageOutcome received(JobOutcome outcome) {
        RunContext run = active.get();
        if (run == null || !run.id().equals(outcome.runId())) {
            LOG.warn("an outcome of sync run {} came back after that run ended: {} -> {} {}", outcome.runId(),
                    outcome.outcome().source(), outcome.outcome().destination(), outcome.outcome().result());
            return null;
        }
        return run.tally().received(outcome.outcome(), outcome.counts(), outcome.node());
    }

    /**
     * Checks the jobs of run {@code runId} once every rule's tags are listed, records them (its progress counts
     * them) and returns them, repeats of one source to one destination dropped ({@link DestinationCheck}). When
     * two images would be written to one tag nothing is copied: no job is returned, and the run ends
     * {@code failed} with the line that names both rules as its reason (exit code 2).
     */
    public List<ImageJob> plan(List<ImageJob> jobs, String runId) {
        RunContext run = context(runId);
        List<SyncRule> rules = run.config().images().rules();
        List<ImageJob> distinct;
        try {
            distinct = DestinationCheck.distinctDestinations(jobs, number -> rules.get(number - 1));
        } catch (ConfigException conflict) {
            LOG.error("sync run {} failed: {}", runId, conflict.getMessage());
            run.tally().failedBeforeCopying(conflict.getMessage());
            return List.of();
        }
        run.tally().planned(distinct.stream().map(ImageJob::source).toList(),
                distinct.stream().map(ImageJob::destinations).toList());
        return distinct;
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

    /**
     * Stops the run going, if any, and every later one from opening: images not started stay so, no blob
     * transfer starts, a chunked upload in flight stops after its chunk (its session journaled, for the next run
     * to carry on), an upload that is not chunked runs to its end; the run ends {@code interrupted}.
     */
    public void interrupt() {
        stopping = true;
        joined.values().forEach(other -> other.run().tally().interrupted());
        RunContext run = active.get();
        if (run != null && !run.tally().isInterrupted()) {
            run.tally().interrupted();
            LOG.warn("sync run {} interrupted: uploads in flight stop at their next chunk boundary; the next run "
                    + "carries them on", run.id());
        }
    }

    /**
     * Waits until no run is going, at most {@code timeout}; true when none is (any more).
     *
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (running.get()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    /**
     * Ends the run going, if any, without waiting for its copies (the stop timeout passed): those in progress are
     * {@code stopped}, their uploads abandoned, the others {@code not-started}; the report, output files and
     * summary line are written as {@link #finish} would, with {@code reason} in them. Its threads are left to
     * the process's exit.
     *
     * @throws IOException when an output file cannot be written
     */
    public synchronized void abandon(String reason) throws IOException {
        RunContext run = active.get();
        if (run == null || !active.compareAndSet(run, null)) {
            return;
        }
        try {
            run.tally().abandon(reason);
            closeInCluster(run.id(), report(run).status());
        } finally {
            running.set(false);
        }
    }

    /**
     * True once run {@code runId} is interrupted: images that have not started are left (the routes end their
     * exchanges, and the run counts them {@code not-started}); those in progress finish.
     */
    public boolean isInterrupted(String runId) {
        return context(runId).tally().isInterrupted();
    }

    public boolean isRunning() {
        return running.get();
    }

    private SyncConfig configWithImages(Object images) {
        return withImages(settings.inputs(), images, "the images sent to direct:sync");
    }

    /** The auth file of {@code inputs} and {@code images} (a map, or its JSON or YAML text) from {@code source}. */
    private static SyncConfig withImages(RunSettings.Inputs inputs, Object images, String source) {
        JsonNode tree = images instanceof String text
                ? ConfigFormat.sniff(text).parse(text, source)
                : JSON.valueToTree(images);
        AuthConfig auth = inputs.authFile() != null
                ? AuthConfig.load(inputs.authFile(), inputs.environment())
                : AuthConfig.empty();
        return new SyncConfig(auth, ImagesConfig.fromTree(tree, source, inputs.environment(), inputs.defaults()));
    }

    /**
     * Reads the configured files the way a run does; the application checks them with this at start.
     *
     * @throws dev.imagesyncer.config.ConfigException when a file is missing or bad
     */
    public static SyncConfig loadConfig(RunSettings settings) {
        SyncConfig config = readConfig(settings);
        ReferrerSelection referrers = settings.copy().referrers();
        if (referrers.filtersTypes() && !referrers.enabled() && config.images().rules().stream()
                .noneMatch(rule -> Boolean.TRUE.equals(rule.options().referrers()))) {
            throw new ConfigException("sync.artifactTypes (--artifact-type) selects referrers, but no rule copies any: "
                    + "add --referrers (sync.referrers = true) or referrers: true to a rule, or leave it out");
        }
        return config;
    }

    private static SyncConfig readConfig(RunSettings settings) {
        RunSettings.Inputs inputs = settings.inputs();
        if (inputs.inlineImages() != null) {
            if (inputs.configFile() != null || inputs.imagesFile() != null) {
                throw new ConfigException("--src/--dest and " + (inputs.configFile() != null ? "--config" : "--images")
                        + " are both given: use one of them");
            }
            return withImages(inputs, inputs.inlineImages(), "--src/--dest");
        }
        return SyncConfig.load(inputs.configFile(), inputs.authFile(), inputs.imagesFile(), inputs.environment(),
                inputs.defaults());
    }

    /**
     * Gives the pairs of run {@code runId} that ended without an outcome theirs: {@code filtered} (a route step
     * ended the exchange) or, once the run was interrupted, {@code not-started}. Returns those outcomes.
     */
    public List<ImageOutcome> closeUnaccounted(String runId) {
        return context(runId).tally().closeUnaccounted();
    }

    /**
     * Ends run {@code runId}: completes the archives it wrote, writes the success and failure files and the run
     * report, prints the summary line and closes the client.
     */
    public synchronized RunSummary finish(String runId) throws IOException {
        RunContext run = context(runId);
        if (!active.compareAndSet(run, null)) {
            throw new IllegalStateException("sync run " + runId + " was abandoned before it finished");
        }
        try (run) {
            run.completeArchives();
            RunSummary summary = report(run);
            closeInCluster(runId, summary.status());
            return summary;
        } finally {
            running.set(false);
        }
    }

    /** Writes the success and failure files and the run report, and prints the summary line. */
    private RunSummary report(RunContext run) throws IOException {
        RunSummary summary = run.tally().summary(run.id());
        RunSettings.Outputs outputs = settings.outputs();
        if (settings.dryRun().enabled()) {
            if (settings.dryRun().planFile() != null) {
                try {
                    RunReportStore.writePlan(settings.dryRun().planFile(), summary);
                } catch (java.io.UncheckedIOException e) {
                    LOG.error("{}", e.getMessage()); // the summary still comes
                }
            }
        } else {
            write(outputs.successFile(), summary.succeededImages());
            write(outputs.failedFile(), summary.failedImages());
        }
        record(summary);
        PROGRESS.info(summary.line());
        return summary;
    }

    /** The run's report (when reports are kept). Its metrics are counted by its event. */
    private void record(RunSummary summary) {
        RunSettings.Outputs outputs = settings.outputs();
        if (outputs.reportsDir() != null) {
            RunReportStore.write(outputs.reportsDir(), summary, outputs.reportsKeep());
        }
    }

    /** Ends run {@code runId} if {@link #finish} did not: closes its client and lets the next run start. */
    private void closeUnfinished(String runId, Throwable why) {
        RunContext run = active.get();
        if (run == null || !run.id().equals(runId) || !active.compareAndSet(run, null)) {
            return;
        }
        LOG.warn("sync run {} ended before it finished{}", runId, why == null ? "" : ": " + why.getMessage());
        closeInCluster(runId, RunsTable.INCOMPLETE);
        try {
            run.close();
        } catch (IOException e) {
            LOG.debug("closing the registry client of run {} failed: {}", runId, e.getMessage());
        } finally {
            running.set(false);
        }
    }

    private void write(Path file, Map<String, List<String>> images) throws IOException {
        if (file != null) {
            ImagesFileWriter.write(file, images, settings.outputs().format());
        }
    }
}

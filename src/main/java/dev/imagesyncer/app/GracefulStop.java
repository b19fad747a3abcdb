package dev.imagesyncer.app;

import dev.imagesyncer.pipeline.ActiveRuns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * What SIGTERM and Ctrl-C do, as a JVM shutdown hook: the run going is interrupted ({@link ActiveRuns#interrupt}:
 * images not started stay so, chunked uploads stop at their next chunk boundary, journaled, nothing new starts),
 * and the process waits for the run to write its report, at most the stop timeout ({@code sync.stopTimeout},
 * {@code --stop-timeout}, seconds). Past it the run is abandoned ({@link ActiveRuns#abandon}): the uploads in
 * flight are left where they are, the report says so, and the process exits. When the run ended in time, Camel
 * is stopped gracefully (its shutdown timeout is the same). It stands in for camel-main's hangup interceptor,
 * which would wait for the run's exchange up to the shutdown timeout and 15 s more.
 */
final class GracefulStop extends Thread {

    private static final Logger LOG = LoggerFactory.getLogger(GracefulStop.class);

    private final ActiveRuns runs;
    private final Duration timeout;
    private final Runnable stopTakingJobs;
    private final Consumer<Duration> stopCamel;

    /**
     * @param runs      the runs of this process
     * @param timeout   how long a stop waits for the run going to end
     * @param stopTakingJobs cluster mode: stops taking copy jobs from the queue, first of all
     * @param stopCamel stops the Camel application, once no run is going, within the time it is given
     */
    GracefulStop(ActiveRuns runs, Duration timeout, Runnable stopTakingJobs, Consumer<Duration> stopCamel) {
        super("camel-image-syncer-stop");
        this.runs = runs;
        this.timeout = timeout;
        this.stopTakingJobs = stopTakingJobs;
        this.stopCamel = stopCamel;
    }

    /** Registers this hook with the JVM; returns it. */
    GracefulStop install() {
        Runtime.getRuntime().addShutdownHook(this);
        return this;
    }

    /** Unregisters this hook, unless the JVM is already stopping (then it runs, or ran). */
    void uninstall() {
        try {
            Runtime.getRuntime().removeShutdownHook(this);
        } catch (IllegalStateException stopping) {
            // the hook is running: it is what stops the application
        }
    }

    @Override
    public void run() {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            stopTakingJobs.run();
        } catch (RuntimeException e) {
            LOG.warn("stopping the job consumers: {}", e.getMessage());
        }
        runs.interrupt();
        try {
            if (runs.awaitIdle(timeout)) {
                stopCamel.accept(Duration.ofNanos(Math.max(deadline - System.nanoTime(), 1_000_000_000L)));
                return;
            }
            LOG.warn("the run did not end within the stop timeout of {} s: abandoning its uploads in flight",
                    timeout.toSeconds());
            runs.abandon("the stop timeout of " + timeout.toSeconds() + " s passed: uploads in flight abandoned "
                    + "(the next run starts again those its registry cannot carry on)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            LOG.error("writing the report of the abandoned run failed: {}", e.getMessage());
        }
    }
}

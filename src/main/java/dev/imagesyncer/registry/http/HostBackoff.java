package dev.imagesyncer.registry.http;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Per-host pauses asked for by registries: after a 429 or 503 with {@code Retry-After}, every call to that host
 * waits until the time is up; calls to other hosts go on. One rate-limited registry thus slows only itself.
 */
final class HostBackoff {

    private final Map<String, Long> notBeforeNanos = new ConcurrentHashMap<>();

    /** Records that {@code host} asked for a pause of {@code wait}; the longest pause asked for wins. */
    void pause(String host, Duration wait) {
        long until = System.nanoTime() + wait.toNanos();
        notBeforeNanos.merge(host, until, Math::max);
    }

    /** Waits until {@code host} may be called again. */
    void await(String host) {
        Long until = notBeforeNanos.get(host);
        if (until == null) {
            return;
        }
        long remaining = until - System.nanoTime();
        if (remaining <= 0) {
            notBeforeNanos.remove(host, until);
            return;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(remaining);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

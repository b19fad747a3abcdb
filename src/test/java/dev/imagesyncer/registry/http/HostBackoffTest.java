package dev.imagesyncer.registry.http;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class HostBackoffTest {

    @Test
    void a_pause_holds_calls_to_that_host_only() {
        HostBackoff backoff = new HostBackoff();
        backoff.pause("limited.example:443", Duration.ofMillis(400));

        long other = timeMillis(() -> backoff.await("other.example:443"));
        long limited = timeMillis(() -> backoff.await("limited.example:443"));
        long again = timeMillis(() -> backoff.await("limited.example:443"));

        assertThat(other).isLessThan(100);
        assertThat(limited).isGreaterThanOrEqualTo(300);
        assertThat(again).as("the pause is over").isLessThan(100);
    }

    @Test
    void the_longest_pause_asked_for_wins() {
        HostBackoff backoff = new HostBackoff();
        backoff.pause("limited.example:443", Duration.ofMillis(400));
        backoff.pause("limited.example:443", Duration.ofMillis(10));

        assertThat(timeMillis(() -> backoff.await("limited.example:443"))).isGreaterThanOrEqualTo(300);
    }

    private static long timeMillis(Runnable action) {
        long start = System.nanoTime();
        action.run();
        return (System.nanoTime() - start) / 1_000_000;
    }
}

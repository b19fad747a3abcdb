package dev.imagesyncer.registry;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResumePolicyTest {

    private final List<RegistryException> retried = new ArrayList<>();
    private final ResumePolicy twice = new ResumePolicy(2, Duration.ofMillis(1), retried::add);

    @Test
    void a_transient_failure_is_tried_again_and_counted() {
        AtomicInteger calls = new AtomicInteger();
        String result = twice.run(() -> {
            if (calls.incrementAndGet() < 3) {
                throw new TransientRegistryException("HTTP 503", 503, ErrorCode.UNKNOWN, null, null);
            }
            return "done";
        });
        assertThat(result).isEqualTo("done");
        assertThat(calls).hasValue(3);
        assertThat(retried).extracting(RegistryException::status).containsExactly(503, 503);
    }

    @Test
    void content_with_the_wrong_digest_is_fetched_again() {
        AtomicInteger calls = new AtomicInteger();
        twice.run(() -> {
            if (calls.incrementAndGet() == 1) {
                throw new DigestMismatchException("GET blob: content digest differs");
            }
            return null;
        });
        assertThat(calls).hasValue(2);
    }

    @Test
    void a_permanent_failure_is_reported_at_once() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> twice.run(() -> {
            calls.incrementAndGet();
            throw new PermanentRegistryException("HTTP 404 MANIFEST_UNKNOWN", 404, ErrorCode.MANIFEST_UNKNOWN);
        })).hasMessageContaining("MANIFEST_UNKNOWN");
        assertThat(calls).hasValue(1);
        assertThat(retried).isEmpty();
    }

    @Test
    void when_the_retries_are_spent_the_last_failure_is_reported() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> twice.run(() -> {
            throw new TransientRegistryException("attempt " + calls.incrementAndGet(), 0, ErrorCode.UNKNOWN, null,
                    null);
        })).hasMessage("attempt 3");
        assertThat(retried).hasSize(2);
    }

    @Test
    void a_retry_that_cannot_be_readied_ends_the_retries_uncounted() {
        AtomicInteger calls = new AtomicInteger();
        TransientRegistryException cut = new TransientRegistryException("PATCH cut off", 0, ErrorCode.UNKNOWN, null,
                null);
        assertThatThrownBy(() -> twice.run(() -> {
            calls.incrementAndGet();
            throw cut;
        }, failure -> {
            throw failure;
        })).isSameAs(cut);
        assertThat(calls).hasValue(1);
        assertThat(retried).isEmpty();
    }

    @Test
    void no_retries_means_one_attempt() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> ResumePolicy.NONE.run(() -> {
            calls.incrementAndGet();
            throw new TransientRegistryException("reset", 0, ErrorCode.UNKNOWN, null, null);
        })).hasMessage("reset");
        assertThat(calls).hasValue(1);
    }
}

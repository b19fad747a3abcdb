package dev.imagesyncer.registry;

import java.time.Duration;
import java.util.Optional;

/** A failure that may pass on its own: I/O errors, 5xx answers, 429 (with the registry's {@code Retry-After}). */
public non-sealed class TransientRegistryException extends RegistryException {

    private final Duration retryAfter;

    public TransientRegistryException(String message, int status, ErrorCode code, Duration retryAfter, Throwable cause) {
        super(message, status, code, cause);
        this.retryAfter = retryAfter;
    }

    @Override
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    @Override
    public boolean isTransient() {
        return true;
    }
}

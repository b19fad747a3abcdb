package dev.imagesyncer.registry;

import java.time.Duration;
import java.util.Optional;

/**
 * A registry operation that failed. The message names the operation, registry, repository and reference; it
 * never holds a credential or token. {@link TransientRegistryException} is worth retrying,
 * {@link PermanentRegistryException} is not.
 */
public abstract sealed class RegistryException extends RuntimeException
        permits TransientRegistryException, PermanentRegistryException {

    private final int status;
    private final ErrorCode code;

    protected RegistryException(String message, int status, ErrorCode code, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.code = code == null ? ErrorCode.UNKNOWN : code;
    }

    /** The HTTP status, or 0 when no response arrived (connection refused, reset, timeout). */
    public int status() {
        return status;
    }

    public ErrorCode code() {
        return code;
    }

    /** How long the registry asked us to wait ({@code Retry-After}), if it did. */
    public Optional<Duration> retryAfter() {
        return Optional.empty();
    }

    public abstract boolean isTransient();
}

package dev.imagesyncer.registry;

/** A failure that a retry will not fix: unknown manifest or repository, denied access, invalid content. */
public non-sealed class PermanentRegistryException extends RegistryException {

    public PermanentRegistryException(String message, int status, ErrorCode code) {
        this(message, status, code, null);
    }

    public PermanentRegistryException(String message, int status, ErrorCode code, Throwable cause) {
        super(message, status, code, cause);
    }

    @Override
    public boolean isTransient() {
        return false;
    }
}

package dev.imagesyncer.registry;

/** The platform an index entry is built for; {@code variant} and {@code osVersion} may be null. */
public record Platform(String os, String architecture, String variant, String osVersion) {

    @Override
    public String toString() {
        return os + "/" + architecture + (variant != null ? "/" + variant : "");
    }
}

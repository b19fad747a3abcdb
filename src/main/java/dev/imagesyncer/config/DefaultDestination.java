package dev.imagesyncer.config;

import java.util.Map;

/**
 * image-syncer v1.0–v1.4's default destination for a rule whose destination is {@code ""}:
 * {@code registry/namespace/<last path element of the source>}. It applies only when both are non-blank.
 *
 * @param registry  {@code --registry}, else {@code DEFAULT_REGISTRY}; may be null
 * @param namespace {@code --namespace}, else {@code DEFAULT_NAMESPACE}; may be null
 */
public record DefaultDestination(String registry, String namespace) {

    private static final DefaultDestination NONE = new DefaultDestination(null, null);

    public static DefaultDestination none() {
        return NONE;
    }

    /** image-syncer's precedence: a flag that was given (even empty) wins over the environment variable. */
    public static DefaultDestination resolve(String registryFlag, String namespaceFlag, Map<String, String> env) {
        return new DefaultDestination(
                registryFlag != null ? registryFlag : env.get("DEFAULT_REGISTRY"),
                namespaceFlag != null ? namespaceFlag : env.get("DEFAULT_NAMESPACE"));
    }

    public boolean isComplete() {
        return registry != null && !registry.isBlank() && namespace != null && !namespace.isBlank();
    }
}

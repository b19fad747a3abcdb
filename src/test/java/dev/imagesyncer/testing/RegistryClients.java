package dev.imagesyncer.testing;

import dev.imagesyncer.registry.RegistryClient;
import dev.imagesyncer.registry.RegistryClientSettings;
import dev.imagesyncer.registry.ResumePolicy;
import dev.imagesyncer.registry.Repository;
import dev.imagesyncer.registry.auth.CredentialSource;
import dev.imagesyncer.registry.auth.Credentials;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Builds the production {@link RegistryClient} for test registries the way a user's auth file would: plain-http
 * registries marked insecure, TLS registries trusted through their CA file, credentials per registry host.
 */
public final class RegistryClients {

    private RegistryClients() {
    }

    public static RegistryClient forEndpoints(RegistryEndpoint... endpoints) {
        return forEndpoints(UnaryOperator.identity(), endpoints);
    }

    public static RegistryClient forEndpoints(UnaryOperator<RegistryClientSettings> tuning,
                                              RegistryEndpoint... endpoints) {
        return forEndpoints(tuning, ResumePolicy.NONE, endpoints);
    }

    /** As {@link #forEndpoints(UnaryOperator, RegistryEndpoint...)}, retrying as {@code retry} says. */
    public static RegistryClient forEndpoints(UnaryOperator<RegistryClientSettings> tuning, ResumePolicy retry,
                                              RegistryEndpoint... endpoints) {
        Set<String> insecure = new HashSet<>();
        List<Path> caFiles = new ArrayList<>();
        Map<String, Credentials> credentials = new HashMap<>();
        for (RegistryEndpoint endpoint : endpoints) {
            if (endpoint.isTls()) {
                caFiles.add(endpoint.caFile());
            } else {
                insecure.add(endpoint.host());
            }
            if (endpoint.username() != null) {
                credentials.put(endpoint.host(), new Credentials(endpoint.username(), endpoint.password()));
            }
        }
        RegistryClientSettings settings = RegistryClientSettings.defaults()
                .withInsecureRegistries(insecure)
                .withCaFiles(caFiles);
        return new RegistryClient(tuning.apply(settings), byHost(credentials), retry);
    }

    public static CredentialSource byHost(Map<String, Credentials> credentials) {
        Map<String, Credentials> copy = Map.copyOf(credentials);
        return (Repository repository) -> Optional.ofNullable(copy.get(repository.registry()));
    }
}

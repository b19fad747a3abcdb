package dev.imagesyncer.registry.auth;

import dev.imagesyncer.registry.Repository;

import java.util.Optional;

/** Where the credentials for a repository come from: the auth file, {@code ~/.docker/config.json}, a test. */
@FunctionalInterface
public interface CredentialSource {

    CredentialSource NONE = repository -> Optional.empty();

    Optional<Credentials> find(Repository repository);

    /** This source first, {@code fallback} for the repositories it has nothing for. */
    default CredentialSource orElse(CredentialSource fallback) {
        return repository -> {
            Optional<Credentials> found = find(repository);
            return found.isPresent() ? found : fallback.find(repository);
        };
    }
}

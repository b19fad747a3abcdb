package dev.imagesyncer.testing;

import java.net.URI;
import java.nio.file.Path;

/**
 * A plain-HTTP stand-in on loopback in front of a test registry ({@link RegistryFront}, {@link FaultProxy}): it has
 * its own address, and the backend's credentials and token server.
 */
interface PlainHttpFront extends RegistryEndpoint {

    /** The registry behind the front. */
    RegistryEndpoint backend();

    @Override
    default URI baseUri() {
        return URI.create("http://" + host());
    }

    /** Always false: a front speaks plain HTTP, whatever its backend speaks. */
    @Override
    default boolean isTls() {
        return false;
    }

    /** None: nothing to trust on plain HTTP. */
    @Override
    default Path caFile() {
        return null;
    }

    @Override
    default String username() {
        return backend().username();
    }

    @Override
    default String password() {
        return backend().password();
    }

    @Override
    default TokenServer tokenServer() {
        return backend().tokenServer();
    }
}

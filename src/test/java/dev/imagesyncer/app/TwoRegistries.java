package dev.imagesyncer.app;

import dev.imagesyncer.testing.RegistryExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * What most of the jar's integration tests mirror between: two open registries, started afresh for each test
 * class, and a working directory for each test (the auth and images files, the outputs).
 */
abstract class TwoRegistries {

    @RegisterExtension
    static final RegistryExtension source = RegistryExtension.open();
    @RegisterExtension
    static final RegistryExtension target = RegistryExtension.open();

    @TempDir
    Path work;
}

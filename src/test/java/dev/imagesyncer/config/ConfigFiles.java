package dev.imagesyncer.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes test files. */
final class ConfigFiles {

    static final String DIGEST = "sha256:" + "14b267eb".repeat(8);
    static final String OTHER_DIGEST = "sha256:" + "ab".repeat(32);

    private ConfigFiles() {
    }

    static Path write(Path dir, String name, String content) {
        try {
            return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

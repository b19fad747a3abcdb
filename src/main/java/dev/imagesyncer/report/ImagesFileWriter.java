package dev.imagesyncer.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes images in the shape of an images file (source to a list of destinations), so that the file of failed
 * images can be fed back as {@code --images}. YAML by default, JSON when asked, as image-syncer does.
 */
public final class ImagesFileWriter {

    private ImagesFileWriter() {
    }

    public static void write(Path file, Map<String, List<String>> images, String format) throws IOException {
        ObjectMapper mapper = "json".equalsIgnoreCase(format)
                ? new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                : new YAMLMapper();
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            java.nio.file.Files.createDirectories(parent);
        }
        mapper.writeValue(file.toFile(), images);
    }
}

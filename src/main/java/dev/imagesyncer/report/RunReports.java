package dev.imagesyncer.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Run reports and events as JSON: the summary of a run (with or without its images), one image's outcome, and
 * the report files of a reports directory, of which the newest {@code keep} are kept.
 */
public final class RunReports {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RunReports() {
    }

    /** The run as JSON: status, times, counts, and every image when {@code withImages}. */
    public static ObjectNode toJson(SyncSummary summary, boolean withImages) {
        ObjectNode run = JSON.createObjectNode()
                .put("type", "run")
                .put("id", summary.runId())
                .put("status", summary.status())
                .put("started", summary.started().toString())
                .put("finished", summary.finished().toString())
                .put("seconds", summary.duration().toMillis() / 1000.0)
                .put("imagesSynced", summary.imagesSynced())
                .put("imagesSkipped", summary.imagesSkipped())
                .put("imagesFailed", summary.imagesFailed())
                .put("blobsCopied", summary.blobsCopied())
                .put("blobsMounted", summary.blobsMounted())
                .put("blobsSkipped", summary.blobsSkipped())
                .put("manifestsPushed", summary.manifestsPushed())
                .put("bytes", summary.bytes())
                .put("retries", summary.retries())
                .put("rateLimited", summary.rateLimited());
        if (withImages) {
            run.set("images", JSON.valueToTree(summary.images()));
        }
        return run;
    }

    public static String runEvent(SyncSummary summary) {
        return toJson(summary, false).toString();
    }

    public static String imageEvent(ImageOutcome outcome) {
        ObjectNode image = JSON.createObjectNode().put("type", "image");
        image.setAll((ObjectNode) JSON.valueToTree(outcome));
        return image.toString();
    }

    /** Writes {@code run-<id>.json} into {@code directory} and deletes all but the newest {@code keep} reports. */
    public static Path write(Path directory, SyncSummary summary, int keep) {
        try {
            Files.createDirectories(directory);
            Path file = directory.resolve("run-" + summary.runId() + ".json");
            JSON.writer(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), toJson(summary, true));
            List<Path> reports = list(directory);
            for (Path old : reports.subList(0, Math.max(0, reports.size() - keep))) {
                Files.deleteIfExists(old);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the run report into " + directory + ": " + e.getMessage(), e);
        }
    }

    /** The report files of a directory, oldest first (run ids sort by time). */
    public static List<Path> list(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.getFileName().toString().matches("run-.+\\.json"))
                    .sorted(Comparator.comparing(f -> f.getFileName().toString())).toList();
        }
    }
}

package dev.imagesyncer.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Run reports and events as JSON: the summary of a run (with or without its images), one image's outcome, and
 * the report files of a reports directory, of which the newest {@code keep} are kept.
 */
public final class RunReportStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RunReportStore() {
    }

    /**
     * The run as JSON: id, status, times, {@code images} (a count per outcome word), {@code transfers} (blobs,
     * manifests, bytes, retries), and every image and destination under {@code outcomes} when {@code withOutcomes}.
     */
    public static ObjectNode toJson(RunSummary summary, boolean withOutcomes) {
        RunSummary.ImageCounts images = summary.images();
        ObjectNode run = JSON.createObjectNode()
                .put("type", "run")
                .put("id", summary.runId())
                .put("status", summary.status())
                .put("started", summary.started().toString())
                .put("finished", summary.finished().toString())
                .put("seconds", summary.duration().toMillis() / 1000.0);
        if (!summary.reason().isEmpty()) {
            run.put("reason", summary.reason());
        }
        run.putObject("images")
                .put(ImageOutcome.SYNCED, images.synced())
                .put(ImageOutcome.UNCHANGED, images.unchanged())
                .put(ImageOutcome.FAILED, images.failed())
                .put(ImageOutcome.FILTERED, images.filtered())
                .put(ImageOutcome.NOT_STARTED, images.notStarted())
                .put(ImageOutcome.STOPPED, images.stopped())
                .put(ImageOutcome.PLANNED, images.planned())
                .put(ImageOutcome.PRUNED, images.pruned());
        RunSummary.TransferCounts transfers = summary.transfers();
        run.putObject("transfers")
                .put("blobsCopied", transfers.blobsCopied())
                .put("blobsMounted", transfers.blobsMounted())
                .put("blobsPresent", transfers.blobsPresent())
                .put("manifestsPushed", transfers.manifestsPushed())
                .put("bytes", transfers.bytes())
                .put("retries", transfers.retries())
                .put("rateLimited", transfers.rateLimited())
                .put("referrersCopied", transfers.referrersCopied())
                .put("referrersPresent", transfers.referrersPresent())
                .put("referrersSkipped", transfers.referrersSkipped());
        if (withOutcomes) {
            run.set("outcomes", JSON.valueToTree(summary.outcomes()));
        }
        return run;
    }

    public static String runEvent(RunSummary summary) {
        return toJson(summary, false).toString();
    }

    public static String imageEvent(ImageOutcome outcome) {
        ObjectNode image = JSON.createObjectNode().put("type", "image");
        image.setAll((ObjectNode) JSON.valueToTree(outcome));
        return image.toString();
    }

    /**
     * Writes {@code run-<id>.json} into {@code directory} (whole or not at all) and deletes all but the newest
     * {@code keep} reports.
     */
    public static Path write(Path directory, RunSummary summary, int keep) {
        try {
            Files.createDirectories(directory);
            Path file = directory.resolve("run-" + summary.runId() + ".json");
            // written aside, then moved into place: a reader (GET /runs) never sees half a report
            Path partial = directory.resolve(".run-" + summary.runId() + ".json.partial");
            JSON.writer(SerializationFeature.INDENT_OUTPUT).writeValue(partial.toFile(), toJson(summary, true));
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            List<Path> reports = list(directory);
            for (Path old : reports.subList(0, Math.max(0, reports.size() - keep))) {
                Files.deleteIfExists(old);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the run report into " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes a dry run's plan ({@code --output-plan}): the run as JSON with every image and destination, whole or
     * not at all.
     */
    public static void writePlan(Path file, RunSummary summary) {
        try {
            Path absolute = file.toAbsolutePath();
            Files.createDirectories(absolute.getParent());
            Path partial = absolute.resolveSibling("." + absolute.getFileName() + ".partial");
            JSON.writer(SerializationFeature.INDENT_OUTPUT).writeValue(partial.toFile(), toJson(summary, true));
            Files.move(partial, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the plan to " + file + ": " + e.getMessage(), e);
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

package dev.imagesyncer.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagesyncer.report.RunReportStore;
import dev.imagesyncer.report.RunSummary;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What the management endpoints of service mode answer: the run reports, health (Camel's health checks) and
 * the Prometheus metrics (camel-micrometer's registry, our meters beside Camel's). The routes in
 * {@code service.camel.yaml} map HTTP onto these methods; each answer's status code and content type are set
 * here, by {@link #answer}, and nowhere else.
 */
public final class ManagementApi {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RUN_ID = Pattern.compile("[0-9TZ.]+");

    private final Path reportsDir;
    private final SyncMetrics metrics;

    public ManagementApi(Path reportsDir, SyncMetrics metrics) {
        this.reportsDir = reportsDir;
        this.metrics = metrics;
    }

    private static final String JSON_TYPE = "application/json";
    private static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /** 202: the run (header {@code ImageSyncerRunId}) was opened and handed on; its report's URL. */
    public String started(Exchange exchange) {
        String id = exchange.getMessage().getHeader("ImageSyncerRunId", String.class);
        return answer(exchange, 202, JSON_TYPE, JSON.createObjectNode().put("status", "started").put("id", id)
                .put("url", "/runs/" + id).toString());
    }

    /** 400: the images map is bad; the one-line error says where and why. */
    public String badRequest(Exchange exchange) {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return answer(exchange, 400, JSON_TYPE, JSON.createObjectNode().put("status", "refused")
                .put("error", error != null ? error.getMessage() : "bad request").toString());
    }

    /** 500: the configured files are bad; the run was recorded as failed (its id) with this reason. */
    public String failedRun(@ExchangeProperty("ImageSyncerFailedRun") RunSummary failed, Exchange exchange) {
        return answer(exchange, 500, JSON_TYPE, JSON.createObjectNode().put("status", "failed")
                .put("id", failed.runId()).put("url", "/runs/" + failed.runId()).put("error", failed.reason())
                .toString());
    }

    /** 500: something unexpected; its one-line message, never a stack trace. */
    public String serverError(Exchange exchange) {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String message = error == null ? "internal error" : error.getClass().getSimpleName()
                + (error.getMessage() == null ? "" : ": " + error.getMessage().replaceAll("\\s+", " "));
        return answer(exchange, 500, JSON_TYPE, JSON.createObjectNode().put("status", "failed")
                .put("error", message).toString());
    }

    /** 409: a run is going; runs never overlap. */
    public String busy(Exchange exchange) {
        return answer(exchange, 409, JSON_TYPE, JSON.createObjectNode().put("status", "busy")
                .put("message", "a sync run is going").toString());
    }

    /** Every kept run, newest first, without the per-image outcomes. */
    public String runs(Exchange exchange) throws IOException {
        ArrayNode runs = JSON.createArrayNode();
        List<Path> newestFirst = new ArrayList<>(RunReportStore.list(reportsDir));
        Collections.reverse(newestFirst);
        for (Path report : newestFirst) {
            ObjectNode run = (ObjectNode) JSON.readTree(report.toFile());
            run.remove("outcomes");
            runs.add(run);
        }
        return answer(exchange, 200, JSON_TYPE, runs.toString());
    }

    /** One run's full report, or 404. */
    public String run(@Header("id") String id, Exchange exchange) throws IOException {
        Path report = reportsDir.resolve("run-" + id + ".json");
        if (!RUN_ID.matcher(id).matches() || !Files.isRegularFile(report)) {
            return answer(exchange, 404, JSON_TYPE, JSON.createObjectNode().put("error", "no run " + id).toString());
        }
        return answer(exchange, 200, JSON_TYPE, Files.readString(report));
    }

    /** UP when every Camel health check is (routes and context), else DOWN with 503. */
    public String health(Exchange exchange) {
        Collection<HealthCheck.Result> results = HealthCheckHelper.invoke(exchange.getContext());
        boolean up = results.stream().allMatch(result -> result.getState() != HealthCheck.State.DOWN);
        ObjectNode health = JSON.createObjectNode().put("status", up ? "UP" : "DOWN");
        ArrayNode checks = health.putArray("checks");
        results.forEach(result -> checks.addObject()
                .put("name", result.getCheck().getId())
                .put("status", result.getState().name()));
        return answer(exchange, up ? 200 : 503, JSON_TYPE, health.toString());
    }

    /** The Prometheus text exposition. */
    public String metrics(Exchange exchange) {
        return answer(exchange, 200, PROMETHEUS_TYPE, metrics.scrape());
    }

    /** Sets the status code and content type of an answer; returns its body. */
    private static String answer(Exchange exchange, int status, String contentType, String body) {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, contentType);
        return body;
    }
}

package dev.imagesyncer.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The {@code sync.*} settings of {@code application.properties} (the jar's, then one in the working directory,
 * which wins), read before Camel starts because they decide how it starts: one run, or a service.
 *
 * @param schedule   the Quartz cron of service mode ({@code --schedule} or {@code sync.schedule}), null for one run
 * @param reportsDir where run reports go ({@code sync.reports.dir}; {@code reports} in service mode), or null
 * @param eventsUri  the Camel endpoint that receives the JSON events ({@code sync.events.uri})
 */
record ServiceProperties(String schedule, Path reportsDir, int reportsKeep, String eventsUri, Properties all) {

    static final String DEFAULT_EVENTS = "log:dev.imagesyncer.events?level=DEBUG&showBodyType=false&showExchangePattern=false";

    static ServiceProperties load(String scheduleFlag) {
        Properties properties = new Properties();
        try (InputStream packaged = ServiceProperties.class.getResourceAsStream("/application.properties")) {
            if (packaged != null) {
                properties.load(packaged);
            }
            Path local = Path.of("application.properties");
            if (Files.isRegularFile(local)) {
                try (Reader reader = Files.newBufferedReader(local)) {
                    properties.load(reader);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read application.properties: " + e.getMessage(), e);
        }
        String schedule = scheduleFlag != null ? scheduleFlag : blankToNull(properties.getProperty("sync.schedule"));
        String reports = blankToNull(properties.getProperty("sync.reports.dir"));
        Path reportsDir = reports != null ? Path.of(reports) : schedule != null ? Path.of("reports") : null;
        int keep = Integer.parseInt(properties.getProperty("sync.reports.keep", "20").trim());
        String events = properties.getProperty("sync.events.uri", DEFAULT_EVENTS).trim();
        return new ServiceProperties(schedule, reportsDir, keep, events, properties);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}

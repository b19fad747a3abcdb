package dev.imagesyncer.pipeline;

import dev.imagesyncer.config.ImageCopyJob;
import dev.imagesyncer.config.SyncConfig;
import dev.imagesyncer.config.SyncRule;
import dev.imagesyncer.copy.ImageCopier;
import dev.imagesyncer.registry.RegistryClient;
import dev.imagesyncer.report.SyncReport;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One sync run: the files as read at its start, the client and copier it uses, the images it plans to copy, and
 * its report. It travels with the exchange as the {@code syncRun} property.
 */
public final class SyncRun implements Closeable {

    public static final String PROPERTY = "syncRun";

    private final String id;
    private final SyncSettings settings;
    private final SyncConfig config;
    private final RegistryClient client;
    private final ImageCopier copier;
    private final SyncReport report;
    private final List<ImageCopyJob> jobs = new ArrayList<>();

    SyncRun(String id, SyncSettings settings, SyncConfig config, RegistryClient client, ImageCopier copier,
            SyncReport report) {
        this.id = id;
        this.settings = settings;
        this.config = config;
        this.client = client;
        this.copier = copier;
        this.report = report;
    }

    public String getId() {
        return id;
    }

    public List<SyncRule> getRules() {
        return config.images().rules();
    }

    /** The images to copy, in the order their rules were listed; complete once every rule is resolved. */
    public synchronized List<ImageCopyJob> getJobs() {
        return List.copyOf(jobs);
    }

    synchronized void plan(List<ImageCopyJob> more) {
        jobs.addAll(more);
        report.planned(more.stream().mapToInt(job -> job.targets().size()).sum());
    }

    SyncSettings settings() {
        return settings;
    }

    RegistryClient client() {
        return client;
    }

    ImageCopier copier() {
        return copier;
    }

    SyncReport report() {
        return report;
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}

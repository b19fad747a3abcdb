package dev.imagesyncer.pipeline;

import dev.imagesyncer.config.SyncConfig;
import dev.imagesyncer.copy.BlobLedger;
import dev.imagesyncer.copy.ImageCopier;
import dev.imagesyncer.copy.ReferrerCopier;
import dev.imagesyncer.layout.Stores;
import dev.imagesyncer.registry.ImageStore;
import dev.imagesyncer.registry.RegistryClient;
import dev.imagesyncer.report.ImageOutcome;
import dev.imagesyncer.report.RunTally;

import java.io.Closeable;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What one sync run uses while it goes, looked up by its id ({@link ActiveRuns#context}): the files as read at
 * its start, the registry client, the copier with its blob ledger and the referrer copier, and the tally of
 * outcomes. Never carried in
 * an exchange body: bodies stay plain values, so that they can travel through a queue.
 */
public final class RunContext implements Closeable {

    private final String id;
    private final RunSettings settings;
    private final SyncConfig config;
    private final RegistryClient client;
    private final ImageCopier copier;
    private final ReferrerCopier referrers;
    private final Stores stores;
    private final RunTally tally;

    RunContext(String id, RunSettings settings, SyncConfig config, RegistryClient client, RunTally tally) {
        this.id = id;
        this.settings = settings;
        this.config = config;
        this.client = client;
        this.stores = new Stores(client, config.images().rules().stream()
                .flatMap(rule -> rule.destinations().stream()).map(destination -> destination.repository()).toList());
        // the copier's own executor is unused: the copy-image route splits the blobs onto its transfer pool
        this.copier = new ImageCopier(stores, Runnable::run, new BlobLedger());
        this.referrers = new ReferrerCopier(stores, copier);
        this.tally = tally;
    }

    public String id() {
        return id;
    }

    public RunSettings settings() {
        return settings;
    }

    public SyncConfig config() {
        return config;
    }

    /** The run's stores: the registries (through {@link #client()}) and the OCI layouts its rules name. */
    public ImageStore stores() {
        return stores;
    }

    public RegistryClient client() {
        return client;
    }

    public ImageCopier copier() {
        return copier;
    }

    /** Copies referrers ({@code --referrers}); keeps the source tag lists it read for the rest of the run. */
    public ReferrerCopier referrers() {
        return referrers;
    }

    public RunTally tally() {
        return tally;
    }

    /**
     * Ends the archives ({@code oci-archive:}) the run wrote: each whose copies all arrived is renamed to its final
     * name with its checksum; one that some image did not reach ({@code failed}, {@code stopped},
     * {@code not-started}) stays a part file, and the last complete archive stays as it was. When an archive cannot
     * be completed (a full disk), the copies into it count as {@code failed}. Each case is said in one line.
     */
    public void completeArchives() {
        Set<String> unfinished = new HashSet<>();
        for (ImageOutcome outcome : tally.outcomes()) {
            String archive = Stores.archiveOf(outcome.destination());
            if (archive != null && List.of(ImageOutcome.FAILED, ImageOutcome.STOPPED, ImageOutcome.NOT_STARTED)
                    .contains(outcome.result())) {
                unfinished.add(archive);
            }
        }
        stores.completeArchives(unfinished).forEach((archive, reason) -> tally.undelivered(
                destination -> archive.equals(Stores.archiveOf(destination)), reason));
    }

    @Override
    public void close() throws IOException {
        try {
            stores.close();
        } finally {
            client.close();
        }
    }
}

package dev.imagesyncer.pipeline;

import dev.imagesyncer.config.SyncConfig;
import dev.imagesyncer.copy.BlobLedger;
import dev.imagesyncer.copy.ImageCopier;
import dev.imagesyncer.copy.ReferrerCopier;
import dev.imagesyncer.layout.Stores;
import dev.imagesyncer.registry.ImageStore;
import dev.imagesyncer.registry.RegistryClient;
import dev.imagesyncer.report.RunTally;

import java.io.Closeable;
import java.io.IOException;

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
     * Ends the archives ({@code oci-archive:}) the run wrote: each is renamed to its final name with its checksum.
     *
     * @throws IOException when one could not be (its part file is left, and said)
     */
    public void completeArchives() throws IOException {
        stores.completeArchives();
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

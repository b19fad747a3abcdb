package dev.imagesyncer.copy;

import dev.imagesyncer.registry.Digest;
import dev.imagesyncer.registry.Repository;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * The blobs pushed during one run, per target registry: the first copy of a blob claims it, and every other copy
 * of the same blob into that registry waits for it and then finds it (same repository) or mounts it from the
 * repository where it landed. A blob is therefore transferred once per registry and run.
 */
public final class BlobLedger {

    private final Map<String, CompletableFuture<Repository>> landed = new ConcurrentHashMap<>();

    /** A claim on a blob: either ours to push, or someone else's to wait for. */
    public final class Claim {
        private final String key;
        private final CompletableFuture<Repository> future;
        private final boolean owner;

        private Claim(String key, CompletableFuture<Repository> future, boolean owner) {
            this.key = key;
            this.future = future;
            this.owner = owner;
        }

        public boolean isOwner() {
            return owner;
        }

        /** For the owner: the blob is now in {@code repository}. */
        public void landed(Repository repository) {
            future.complete(repository);
        }

        /** For the owner: the push failed; later copies try again themselves. */
        public void failed() {
            landed.remove(key, future);
            future.complete(null);
        }

        /** For a waiter: where the owner pushed the blob, or empty when the owner failed. */
        public Optional<Repository> awaitLanding() throws InterruptedException {
            try {
                return Optional.ofNullable(future.get());
            } catch (ExecutionException e) {
                return Optional.empty();
            }
        }
    }

    public Claim claim(String registry, Digest digest) {
        String key = registry + "@" + digest;
        CompletableFuture<Repository> mine = new CompletableFuture<>();
        CompletableFuture<Repository> existing = landed.putIfAbsent(key, mine);
        return existing == null ? new Claim(key, mine, true) : new Claim(key, existing, false);
    }
}

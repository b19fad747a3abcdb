package dev.imagesyncer.copy;

import dev.imagesyncer.registry.Digest;
import dev.imagesyncer.registry.Repository;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * The blobs pushed during one run. The first copy of a blob into a registry claims it there and transfers it;
 * other copies of the same blob into that registry wait, then mount it from the repository where it landed. Within
 * one repository, too, only the first copy writes: the registry's filesystem storage rewrites a blob's link file
 * in place, and a manifest verified while another copy rewrites that file is refused (distribution 2.8 answers
 * DIGEST_INVALID). So a blob is transferred once per registry and linked once per repository in a run.
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

    /** True when a copy of this run has put {@code digest} into the {@code target} repository. */
    public boolean hasLandedInRepository(Repository target, Digest digest) {
        CompletableFuture<Repository> claim = landed.get(target + "@" + digest);
        return claim != null && claim.isDone() && claim.getNow(null) != null;
    }

    /** The claim on transferring {@code digest} into {@code target}'s registry. */
    public Claim claimInRegistry(Repository target, Digest digest) {
        return claim(target.registry() + "@" + digest);
    }

    /** The claim on linking {@code digest} into the {@code target} repository. */
    public Claim claimInRepository(Repository target, Digest digest) {
        return claim(target + "@" + digest);
    }

    private Claim claim(String key) {
        CompletableFuture<Repository> mine = new CompletableFuture<>();
        CompletableFuture<Repository> existing = landed.putIfAbsent(key, mine);
        return existing == null ? new Claim(key, mine, true) : new Claim(key, existing, false);
    }
}

package dev.imagesyncer.prune;

import dev.imagesyncer.registry.Digest;
import dev.imagesyncer.registry.Repository;

import java.util.Objects;
import java.util.Set;

/**
 * A destination repository to prune: one that a rule listing its source's tags writes.
 *
 * @param repository the destination repository
 * @param wanted     every tag any rule of the run writes there: never pruned, nor their digests
 * @param kept       the digests the run's copies put or found there (by tag or by digest): never deleted
 * @param rule       the rule that writes it, as written in the images file, for messages and the report
 */
public record PruneTarget(Repository repository, Set<String> wanted, Set<Digest> kept, String rule) {

    public PruneTarget {
        Objects.requireNonNull(repository, "repository");
        wanted = Set.copyOf(wanted);
        kept = Set.copyOf(kept);
        Objects.requireNonNull(rule, "rule");
    }
}

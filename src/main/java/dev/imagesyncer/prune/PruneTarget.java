package dev.imagesyncer.prune;

import dev.imagesyncer.registry.Repository;

import java.util.Objects;
import java.util.Set;

/**
 * A destination repository to prune: one that a rule listing its source's tags writes.
 *
 * @param repository the destination repository
 * @param wanted     every tag any rule of the run writes there: never pruned
 * @param rule       the rule that writes it, as written in the images file, for messages and the report
 */
public record PruneTarget(Repository repository, Set<String> wanted, String rule) {

    public PruneTarget {
        Objects.requireNonNull(repository, "repository");
        wanted = Set.copyOf(wanted);
        Objects.requireNonNull(rule, "rule");
    }
}

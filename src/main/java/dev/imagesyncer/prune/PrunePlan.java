package dev.imagesyncer.prune;

import dev.imagesyncer.registry.Digest;
import dev.imagesyncer.registry.Repository;

import java.util.List;

/**
 * What pruning the destinations would do: the manifests to delete (each with the tags that go with it), and the
 * tags that left the source but stay, with why.
 *
 * @param deletions the manifests to delete by digest, each once
 * @param stale     the tags that are not wanted any more but must stay (they share a digest with a kept tag, or a
 *                  kept manifest refers to theirs), or whose repository could not be read
 */
public record PrunePlan(List<Deletion> deletions, List<Stale> stale) {

    public PrunePlan {
        deletions = List.copyOf(deletions);
        stale = List.copyOf(stale);
    }

    /**
     * @param repository where
     * @param digest     the manifest deleted
     * @param tags       the tags that go with it (all of them left the source)
     * @param rule       the rule whose destination it is
     */
    public record Deletion(Repository repository, Digest digest, List<String> tags, String rule) {
        public Deletion {
            tags = List.copyOf(tags);
        }
    }

    /**
     * @param repository where
     * @param tag        the tag left in place
     * @param reason     why, in one line
     * @param rule       the rule whose destination it is
     */
    public record Stale(Repository repository, String tag, String reason, String rule) {
    }

    /** How many tags the deletions remove. */
    public int tagCount() {
        return deletions.stream().mapToInt(deletion -> deletion.tags().size()).sum();
    }
}

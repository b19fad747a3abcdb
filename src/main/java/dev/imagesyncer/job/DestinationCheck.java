package dev.imagesyncer.job;

import dev.imagesyncer.config.ConfigException;
import dev.imagesyncer.config.SyncRule;
import dev.imagesyncer.registry.ImageReference;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Checks a run's whole job list, once every rule's tags are listed and before anything is copied, that no two
 * images are written to one destination reference: whichever finished last would hold the tag. Repeats of one
 * source to one destination (two identical rules, or rules whose expansions meet) are one copy, not a conflict.
 */
public final class DestinationCheck {

    private DestinationCheck() {
    }

    /**
     * Returns {@code jobs} in their order with repeated source and destination pairs dropped (a job left with no
     * destination is dropped).
     *
     * @param jobs  the run's jobs, in images-file order
     * @param rules the images-file rule of a job's rule number (from 1), for messages
     * @throws ConfigException naming the file, both rules and the destination when two sources are written to
     *                         one tag (a digest is the same content whoever writes it)
     */
    public static List<ImageJob> distinctDestinations(List<ImageJob> jobs, IntFunction<SyncRule> rules) {
        Map<String, ImageJob> writer = new HashMap<>();
        Set<String> pairs = new LinkedHashSet<>();
        List<ImageJob> kept = new ArrayList<>();
        for (ImageJob job : jobs) {
            ImageReference source = job.sourceReference();
            List<String> destinations = new ArrayList<>();
            for (String destination : job.destinations()) {
                String written = written(source, destination);
                ImageJob earlier = writer.putIfAbsent(written, job);
                if (earlier != null && !earlier.source().equals(job.source()) && !written.contains("@")) {
                    throw conflict(earlier, job, written, rules);
                }
                if (pairs.add(job.source() + " -> " + written)) {
                    destinations.add(destination);
                }
            }
            if (destinations.size() == job.destinations().size()) {
                kept.add(job);
            } else if (!destinations.isEmpty()) {
                kept.add(new ImageJob(job.runId(), job.rule(), job.source(), destinations, job.options()));
            }
        }
        return kept;
    }

    /** The reference a copy writes: the destination's tag, else the source's tag, else the source's digest. */
    private static String written(ImageReference source, String destination) {
        ImageReference target = ImageReference.parse(destination);
        if (target.tag() != null || target.digest() != null) {
            return target.toString();
        }
        return source.tag() != null ? target.withTag(source.tag()).toString()
                : target.withDigest(source.digest()).toString();
    }

    private static ConfigException conflict(ImageJob earlier, ImageJob later, String written,
                                            IntFunction<SyncRule> rules) {
        SyncRule first = rules.apply(earlier.rule());
        SyncRule second = rules.apply(later.rule());
        String who = earlier.rule() == later.rule()
                ? "rule " + later.rule() + " (\"" + second.source() + "\") writes " + written + " twice"
                : "rules " + earlier.rule() + " (\"" + first.source() + "\") and " + later.rule() + " (\""
                + second.source() + "\") both write " + written;
        return new ConfigException(second.file() + ": " + who + ", from " + earlier.source() + " and "
                + later.source() + "; give each image its own destination");
    }
}

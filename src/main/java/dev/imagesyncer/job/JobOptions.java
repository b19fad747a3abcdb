package dev.imagesyncer.job;

import dev.imagesyncer.config.RuleOptions;
import dev.imagesyncer.copy.CopyOptions;
import dev.imagesyncer.copy.PlatformFilter;
import dev.imagesyncer.copy.ReferrerSelection;

import java.util.List;

/**
 * How an image is copied, carried by its job so that whoever copies it needs nothing else.
 *
 * @param force         push manifests even when the destination already has them ({@code --force})
 * @param os            OS patterns of {@code --os}, empty for all
 * @param arch          architecture patterns of {@code --arch}, empty for all
 * @param referrers     copy the image's referrers too ({@code --referrers})
 * @param artifactTypes only referrers of these artifact types ({@code --artifact-type}), empty for all
 * @param skipExisting  a destination tag that exists is left as it is, and the source not read for it
 *                      ({@code --skip-existing}, {@code skipExisting:})
 */
public record JobOptions(boolean force, List<String> os, List<String> arch, boolean referrers,
                         List<String> artifactTypes, boolean skipExisting) {

    public static final JobOptions DEFAULT = new JobOptions(false, List.of(), List.of(), false, List.of(), false);

    /** Options without skipExisting. */
    public JobOptions(boolean force, List<String> os, List<String> arch, boolean referrers,
                      List<String> artifactTypes) {
        this(force, os, arch, referrers, artifactTypes, false);
    }

    public JobOptions {
        os = os == null ? List.of() : List.copyOf(os);
        arch = arch == null ? List.of() : List.copyOf(arch);
        artifactTypes = artifactTypes == null ? List.of() : List.copyOf(artifactTypes);
    }

    public static JobOptions of(CopyOptions options) {
        return of(options, RuleOptions.NONE, RuleOptions.NONE);
    }

    /**
     * The options of the images of one rule: {@code copy} (the flags), with what the rule sets for itself and,
     * where it does not, what the flags set for every rule ({@code defaults}).
     */
    public static JobOptions of(CopyOptions copy, RuleOptions rule, RuleOptions defaults) {
        boolean referrers = rule.referrers() != null ? rule.referrers() : copy.referrers().enabled();
        boolean skipExisting = rule.skipExisting() != null ? rule.skipExisting()
                : Boolean.TRUE.equals(defaults.skipExisting());
        return new JobOptions(copy.force(), copy.platforms().osPatterns(), copy.platforms().archPatterns(),
                referrers, copy.referrers().artifactTypes(), skipExisting);
    }

    /** The options as the copier takes them. */
    public CopyOptions toCopyOptions() {
        return new CopyOptions(force, new PlatformFilter(os, arch), new ReferrerSelection(referrers, artifactTypes));
    }
}

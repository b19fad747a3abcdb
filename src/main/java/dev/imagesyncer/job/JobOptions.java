package dev.imagesyncer.job;

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
 */
public record JobOptions(boolean force, List<String> os, List<String> arch, boolean referrers,
                         List<String> artifactTypes) {

    public static final JobOptions DEFAULT = new JobOptions(false, List.of(), List.of(), false, List.of());

    public JobOptions {
        os = os == null ? List.of() : List.copyOf(os);
        arch = arch == null ? List.of() : List.copyOf(arch);
        artifactTypes = artifactTypes == null ? List.of() : List.copyOf(artifactTypes);
    }

    public static JobOptions of(CopyOptions options) {
        return new JobOptions(options.force(), options.platforms().osPatterns(), options.platforms().archPatterns(),
                options.referrers().enabled(), options.referrers().artifactTypes());
    }

    /** The options as the copier takes them. */
    public CopyOptions toCopyOptions() {
        return new CopyOptions(force, new PlatformFilter(os, arch), new ReferrerSelection(referrers, artifactTypes));
    }
}

package dev.imagesyncer.copy;

import java.util.List;

/**
 * Which referrers travel with an image ({@code --referrers}, {@code --artifact-type}).
 *
 * @param enabled       copy the referrers of every manifest copied, and cosign's tags of its digest
 * @param artifactTypes only referrers of these artifact types (their {@code artifactType}, or their config's media
 *                      type); empty for all
 */
public record ReferrerSelection(boolean enabled, List<String> artifactTypes) {

    public static final ReferrerSelection NONE = new ReferrerSelection(false, List.of());

    public ReferrerSelection {
        artifactTypes = artifactTypes == null ? List.of() : List.copyOf(artifactTypes);
    }

    /** True when a referrer of {@code artifactType} (null when it has none) is to be copied. */
    public boolean matches(String artifactType) {
        return artifactTypes.isEmpty() || (artifactType != null && artifactTypes.contains(artifactType));
    }

    /** True when only some artifact types are copied. */
    public boolean filtersTypes() {
        return !artifactTypes.isEmpty();
    }
}

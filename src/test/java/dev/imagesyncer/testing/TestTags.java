package dev.imagesyncer.testing;

import java.util.ArrayList;
import java.util.List;

/** Tag lists as real repositories have them, for tests of tag filters. */
public final class TestTags {

    private TestTags() {
    }

    /**
     * 60 tags: releases v3.3.0 to v3.6.9, pre-releases (v3.5.0-rc.1..5, v3.6.0-alpha.1..5), v4.0.0 and v4.1.0,
     * moving tags (latest, nightly, edge, main, stable), a commit tag and two short versions (3.4, v3.4).
     */
    public static List<String> sixty() {
        List<String> tags = new ArrayList<>();
        for (int minor = 3; minor <= 6; minor++) {
            for (int patch = 0; patch <= 9; patch++) {
                tags.add("v3." + minor + "." + patch);
            }
        }
        for (int i = 1; i <= 5; i++) {
            tags.add("v3.5.0-rc." + i);
            tags.add("v3.6.0-alpha." + i);
        }
        tags.addAll(List.of("v4.0.0", "v4.1.0", "latest", "nightly", "edge", "main", "stable", "sha-abc1234",
                "3.4", "v3.4"));
        return tags;
    }
}

package dev.imagesyncer.copy;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --artifact-type}: which referrers travel. */
class ReferrerSelectionTest {

    @Test
    void without_types_every_referrer_travels_even_one_without_a_type() {
        ReferrerSelection all = new ReferrerSelection(true, List.of());

        assertThat(all.matches("application/spdx+json")).isTrue();
        assertThat(all.matches(null)).isTrue();
        assertThat(all.filtersTypes()).isFalse();
    }

    @Test
    void with_types_only_those_travel_and_a_referrer_without_a_type_does_not() {
        ReferrerSelection sboms = new ReferrerSelection(true, List.of("application/spdx+json"));

        assertThat(sboms.matches("application/spdx+json")).isTrue();
        assertThat(sboms.matches("application/vnd.cncf.notary.signature")).isFalse();
        assertThat(sboms.matches(null)).isFalse();
    }
}

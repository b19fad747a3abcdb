package dev.imagesyncer.layout;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** skopeo's spelling of images in layouts: oci:PATH and oci:PATH:REF. */
class LayoutReferenceTest {

    @Test
    void a_whole_layout_a_qualified_ref_and_a_bare_ref() {
        assertThat(LayoutReference.parse("oci:/mnt/usb/mirror")).isEqualTo(
                new LayoutReference(Path.of("/mnt/usb/mirror"), null));
        LayoutReference qualified = LayoutReference.parse("oci:/mnt/usb/mirror:team/app:1.0");
        assertThat(qualified.refName()).isEqualTo("team/app:1.0");
        assertThat(qualified.qualified()).isTrue();
        assertThat(LayoutReference.parse("oci:layout:1.0").qualified()).isFalse();
        assertThat(qualified.toString()).isEqualTo("oci:/mnt/usb/mirror:team/app:1.0");
        assertThat(LayoutReference.parse(qualified.toString())).isEqualTo(qualified);
    }

    @Test
    void a_registry_reference_is_not_a_layout_and_a_layout_needs_a_path() {
        assertThat(LayoutReference.isLayout("quay.io/app:1.0")).isFalse();
        assertThatThrownBy(() -> LayoutReference.parse("oci::1.0")).hasMessageContaining("names no directory");
    }
}

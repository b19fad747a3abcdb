package dev.imagesyncer.registry;

import dev.imagesyncer.testing.RegistryClients;
import dev.imagesyncer.testing.RegistryExtension;
import dev.imagesyncer.testing.RegistryFront;
import dev.imagesyncer.testing.RegistrySeeder;
import dev.imagesyncer.testing.Skopeo;
import dev.imagesyncer.testing.TestImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class TagListIT {

    @RegisterExtension
    static final RegistryExtension registry = RegistryExtension.open();

    private static final List<String> TAGS = IntStream.rangeClosed(1, 130).mapToObj(i -> "v" + i).toList();

    @BeforeAll
    static void pushTags() {
        RegistrySeeder.of(registry).pushTags("lab/many", TestImages.dockerV2(1, 32), TAGS);
    }

    @Test
    void follows_link_headers_past_one_hundred_tags() throws Exception {
        try (RegistryFront paginating = RegistryFront.of(registry).paginateTags(100);
             RegistryClient client = RegistryClients.forEndpoints(s -> s.withTagPageSize(50), paginating)) {

            List<String> tags = client.listTags(ImageReference.parse(paginating.host() + "/lab/many").repository());

            assertThat(tags).hasSize(TAGS.size()).containsExactlyInAnyOrderElementsOf(TAGS).doesNotHaveDuplicates();
            assertThat(paginating.requests()).filteredOn(r -> r.path().endsWith("/tags/list")).hasSize(3);
        }
    }

    @Test
    void agrees_with_skopeo_on_the_registry_itself() throws Exception {
        try (RegistryClient client = RegistryClients.forEndpoints(registry)) {
            List<String> tags = client.listTags(ImageReference.parse(registry.host() + "/lab/many").repository());

            assertThat(tags).containsExactlyInAnyOrderElementsOf(Skopeo.listTags(registry, "lab/many"));
        }
    }
}

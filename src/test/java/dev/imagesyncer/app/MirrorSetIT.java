package dev.imagesyncer.app;

import dev.imagesyncer.testing.RegistryExtension;
import dev.imagesyncer.testing.RegistrySeeder;
import dev.imagesyncer.testing.Skopeo;
import dev.imagesyncer.testing.TestImage;
import dev.imagesyncer.testing.TestImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mirrors a set that uses every kind of rule with the packaged jar, checks every manifest with skopeo, then runs
 * again and finds nothing to do.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MirrorSetIT {

    @RegisterExtension
    static final RegistryExtension source = RegistryExtension.open();
    @RegisterExtension
    static final RegistryExtension target = RegistryExtension.open();

    @TempDir
    static Path work;

    private static final List<String> MANY_TAGS = IntStream.rangeClosed(1, 160).mapToObj(i -> "t" + i).toList();
    private static final TestImage many = TestImages.dockerV2(1, 512);
    private static final TestImage listed = TestImages.ociManifest(2, 2048);
    private static final TestImage dockerList = TestImages.dockerManifestList(2, 2048);
    private static final TestImage ociIndex = TestImages.ociIndex(2, 2048);
    private static final TestImage single = TestImages.dockerV2(2, 2048);
    private static final TestImage pinned = TestImages.ociManifest(1, 1024);
    private static final TestImage other = TestImages.dockerV2(1, 1024);

    @BeforeAll
    static void seed() throws Exception {
        RegistrySeeder seeder = RegistrySeeder.of(source);
        seeder.pushTags("lab/many", many, MANY_TAGS);
        seeder.pushTags("lab/listed", listed, List.of("a", "b", "c"));
        seeder.pushTags("lab/regex", single, List.of("1.0", "1.1", "2.0", "latest"));
        seeder.push("lab/pinned", "v1", pinned);
        seeder.push("lab/multi", "docker", dockerList);
        seeder.push("lab/multi", "oci", ociIndex);
        seeder.push("lab/other", "v1", other);
        String s = source.host();
        String t = target.host();
        JarRun.writeInsecureAuth(work, source, target);
        Files.writeString(work.resolve("images.yaml"), """
                %1$s/lab/many: %2$s/mirror/many
                %1$s/lab/listed:a,c: %2$s/mirror/listed
                "%1$s/lab/regex:/^1\\\\./": %2$s/mirror/regex
                %1$s/lab/pinned@%3$s: %2$s/mirror/pinned
                %1$s/lab/multi:docker,oci:
                  - %2$s/mirror/multi
                  - %2$s/copy/multi
                %1$s/lab/other:v1: %2$s/mirror/other:renamed
                """.formatted(s, t, pinned.digest()));
    }

    @Test
    @Order(1)
    void mirrors_every_kind_of_rule_byte_for_byte() throws Exception {
        JarRun run = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml", "--proc", "4",
                "--output-success-images", "synced.yaml");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(Skopeo.listTags(target, "mirror/many")).hasSize(MANY_TAGS.size());
        assertThat(Skopeo.inspectRaw(target, "mirror/many:t160")).isEqualTo(many.manifest());
        assertThat(Skopeo.listTags(target, "mirror/listed")).containsExactlyInAnyOrder("a", "c");
        assertThat(Skopeo.inspectRaw(target, "mirror/listed:c")).isEqualTo(listed.manifest());
        assertThat(Skopeo.listTags(target, "mirror/regex")).containsExactlyInAnyOrder("1.0", "1.1");
        assertThat(Skopeo.inspectRaw(target, "mirror/pinned@" + pinned.digest())).isEqualTo(pinned.manifest());
        for (String repository : List.of("mirror/multi", "copy/multi")) {
            assertThat(Skopeo.inspectRaw(target, repository + ":docker")).isEqualTo(dockerList.manifest());
            assertThat(Skopeo.inspectRaw(target, repository + ":oci")).isEqualTo(ociIndex.manifest());
            for (TestImage child : List.of(dockerList.children().get(1), ociIndex.children().get(0))) {
                assertThat(Skopeo.inspectRaw(target, repository + "@" + child.digest())).isEqualTo(child.manifest());
            }
        }
        assertThat(Skopeo.inspectRaw(target, "mirror/other:renamed")).isEqualTo(other.manifest());
        int copies = MANY_TAGS.size() + 2 + 2 + 1 + 4 + 1;
        assertThat(run.summary()).startsWith("Sync finished (succeeded): " + copies + " images synced, 0 unchanged, 0 failed");
        assertThat(Files.readString(work.resolve("synced.yaml")))
                .contains(source.host() + "/lab/other:v1", target.host() + "/mirror/other:renamed");
    }

    @Test
    @Order(2)
    void a_second_run_copies_no_blob_and_pushes_no_manifest() throws Exception {
        JarRun run = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.summary()).contains("0 images synced").contains("0 failed")
                .contains("blobs: 0 copied, 0 mounted, 0 present; 0 manifests pushed");
    }
}

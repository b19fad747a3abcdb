package dev.imagesyncer.app;

import dev.imagesyncer.testing.MirrorCheck;
import dev.imagesyncer.testing.RegistryExtension;
import dev.imagesyncer.testing.RegistryFront;
import dev.imagesyncer.testing.RegistrySeeder;
import dev.imagesyncer.testing.Skopeo;
import dev.imagesyncer.testing.TestImage;
import dev.imagesyncer.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Inputs that real registries and real images throw at a mirror, rebuilt from public bug reports as small cases on
 * the real registry (a front in the test code where the registry cannot show the quirk), run through the jar.
 */
class FieldCasesIT extends TwoRegistries {

    /** A registry that still serves Docker schema 1 images (distribution 2.8 refuses them by default). */
    @RegisterExtension
    static final RegistryExtension schema1Source = RegistryExtension.open().withSchema1();

    /** A registry whose token server wants credentials, which only a Docker credential helper holds here. */
    @RegisterExtension
    static final RegistryExtension helperTarget = RegistryExtension.tokenAuth("alice", "helper-Secret-42");

    /** A Harbor robot account, as Harbor's UI shows it. */
    @RegisterExtension
    static final RegistryExtension robotTarget = RegistryExtension.basicAuth("robot$proj+ci", "s3cret-Robot");

    /**
     * A BuildKit registry cache ({@code --cache-to type=registry,mode=max}) is an OCI index whose entries are its
     * layer blobs and its cache configuration blob, not manifests.
     */
    @Test
    void an_index_whose_entries_are_blobs_is_copied_blobs_first_and_pushed_byte_identical() throws Exception {
        RegistrySeeder seeder = RegistrySeeder.of(source);
        byte[] layerOne = gzip("cache layer one");
        byte[] layerTwo = gzip("cache layer two");
        String one = seeder.pushBlob("ci/app", layerOne);
        String two = seeder.pushBlob("ci/app", layerTwo);
        byte[] cacheConfig = ("{\"layers\":[{\"blob\":\"" + one + "\"},{\"blob\":\"" + two + "\",\"parent\":0}],"
                + "\"records\":[]}").getBytes(StandardCharsets.UTF_8);
        String config = seeder.pushBlob("ci/app", cacheConfig);
        byte[] index = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
                + entry("application/vnd.oci.image.layer.v1.tar+gzip", one, layerOne.length,
                ",\"annotations\":{\"buildkit/createdat\":\"2024-01-01T00:00:00Z\"}") + ","
                + entry("application/vnd.oci.image.layer.v1.tar+gzip", two, layerTwo.length, "") + ","
                + entry("application/vnd.buildkit.cacheconfig.v0", config, cacheConfig.length, "") + "]}")
                .getBytes(StandardCharsets.UTF_8);
        seeder.pushManifest("ci/app", "buildcache", TestImages.OCI_INDEX, index);
        Files.writeString(work.resolve("images.yaml"), source.host() + "/ci/app:buildcache: " + target.host()
                + "/mirror/cache\n");
        JarRun.writeInsecureAuth(work, source, target);

        JarRun first = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml");
        JarRun second = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml");

        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.summary()).startsWith("Sync finished (succeeded): 1 image synced")
                .contains("blobs: 3 copied").contains("1 manifest pushed");
        assertThat(Skopeo.inspectRaw(target, "mirror/cache:buildcache")).isEqualTo(index);
        assertThat(MirrorCheck.danglingReferences(target, "mirror/cache", List.of("buildcache"))).isEmpty();
        assertThat(second.summary()).startsWith("Sync finished (succeeded): 0 images synced, 1 unchanged");
    }

    /** Some registries and caching proxies answer HEAD on manifests with 405: GET instead, as skopeo does. */
    @Test
    void a_source_that_answers_head_on_manifests_with_405_is_read_with_get_and_remembered() throws Exception {
        for (String tag : List.of("v2", "v3", "v4", "v5", "v6")) {
            RegistrySeeder.of(source).push("lab/nohead", tag, TestImages.ociManifest(1, 1024));
        }
        TestImage v1 = TestImages.ociManifest(1, 1024);
        RegistrySeeder.of(source).push("lab/nohead", "v1", v1);
        try (RegistryFront front = RegistryFront.of(source)) {
            front.failNext(405, 1000, "HEAD /v2/.*/manifests/.*");
            Files.writeString(work.resolve("images.yaml"), front.host() + "/lab/nohead: " + target.host()
                    + "/mirror/nohead\n");
            JarRun.writeInsecureAuth(work, front, target);

            // --proc 1: 4 image workers, so at most the first 4 images can try HEAD before the 405 is remembered
            JarRun run = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml", "--proc", "1");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.summary()).startsWith("Sync finished (succeeded): 6 images synced");
            assertThat(run.stderr()).containsOnlyOnce("answers HEAD on manifests with HTTP 405: reading them with "
                    + "GET instead");
            assertThat(front.requests()).as("remembered: only the first images (4 workers at once) try HEAD")
                    .filteredOn(request -> request.method().equals("HEAD") && request.path().contains("/manifests/"))
                    .hasSizeBetween(1, 4);
        }
        assertThat(Skopeo.inspectRaw(target, "mirror/nohead:v1")).isEqualTo(v1.manifest());
    }

    /** Two rules that write one destination tag: before, both "synced" and the tag held whichever came last. */
    @Test
    void two_rules_that_write_one_tag_are_a_configuration_error_before_anything_is_copied() throws Exception {
        RegistrySeeder.of(source).push("lab/a", "1", TestImages.ociManifest(1, 1024));
        RegistrySeeder.of(source).push("lab/b", "1", TestImages.ociManifest(1, 1024));
        Files.writeString(work.resolve("images.yaml"), """
                %1$s/lab/a:1: %2$s/mirror/x:1
                %1$s/lab/b:1: %2$s/mirror/x
                """.formatted(source.host(), target.host()));
        JarRun.writeInsecureAuth(work, source, target);

        JarRun run = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.stderr().lines().filter(line -> line.startsWith("error: "))).containsExactly(
                ("error: images.yaml: rules 1 (\"%1$s/lab/a:1\") and 2 (\"%1$s/lab/b:1\") both write %2$s/mirror/x:1, "
                        + "from %1$s/lab/a:1 and %1$s/lab/b:1; give each image its own destination")
                        .formatted(source.host(), target.host()));
        assertThat(run.stderr()).doesNotContain("Exception");
        assertThat(RegistrySeeder.of(target).fetchManifest("mirror/x", "1")).as("nothing copied").isEmpty();
    }

    /** Rules whose expansions meet on one source and one destination copy it once. */
    @Test
    void rules_that_meet_on_one_source_and_destination_copy_it_once() throws Exception {
        for (String tag : List.of("1", "2")) {
            RegistrySeeder.of(source).push("lab/twice", tag, TestImages.ociManifest(1, 1024));
        }
        Files.writeString(work.resolve("images.yaml"), """
                %1$s/lab/twice: %2$s/mirror/twice
                %1$s/lab/twice:1: %2$s/mirror/twice
                """.formatted(source.host(), target.host()));
        JarRun.writeInsecureAuth(work, source, target);

        JarRun run = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.summary()).startsWith("Sync finished (succeeded): 2 images synced, 0 unchanged");
    }

    /** A Harbor robot account typed as Harbor shows it: its "$proj" is not a variable that is set. */
    @Test
    void a_dollar_name_that_is_not_set_stays_as_written_with_one_warning_that_never_shows_the_password()
            throws Exception {
        TestImage image = TestImages.ociManifest(1, 1024);
        RegistrySeeder.of(source).push("lab/robot", "v1", image);
        Files.writeString(work.resolve("images.yaml"), source.host() + "/lab/robot:v1: " + robotTarget.host()
                + "/proj/robot\n");
        Files.writeString(work.resolve("auth.yaml"), source.host() + ": {insecure: true}\n" + robotTarget.host()
                + ": {username: robot$proj+ci, password: s3cret-Robot, insecure: true}\n");

        JarRun run = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stderr()).containsOnlyOnce("auth.yaml: entry \"" + robotTarget.host() + "\", field username: "
                + "the variable proj is not set, so it stays as written (write $$ for a literal $)");
        assertThat(run.stderr() + run.stdout()).doesNotContain("s3cret-Robot");
        assertThat(Skopeo.inspectRaw(robotTarget, "proj/robot:v1")).isEqualTo(image.manifest());
    }

    /** A default distribution 2.8 answers a schema 1 manifest with 500 UNKNOWN: one line, no blind retries. */
    @Test
    void a_target_that_refuses_schema_1_is_said_in_one_line_without_retries() throws Exception {
        RegistrySeeder.of(schema1Source).push("old/app", "1", TestImages.dockerSchema1("old/app", "1", 1, 1024));
        Files.writeString(work.resolve("images.yaml"), schema1Source.host() + "/old/app:1: " + target.host()
                + "/old/app\n");
        JarRun.writeInsecureAuth(work, schema1Source, target);

        JarRun run = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(255);
        assertThat(run.stdout()).contains("failed: ").contains("the registry does not accept Docker schema 1 "
                + "manifests (deprecated since 2017, refused by default since distribution 2.8)");
        assertThat(run.summary()).contains("1 failed").contains("0 retries");
    }

    /** A rule that selects no tag used to say nothing at all. */
    @Test
    void a_rule_whose_regex_selects_no_tag_says_so_in_one_line() throws Exception {
        RegistrySeeder.of(source).push("lab/regex", "v1", TestImages.ociManifest(1, 1024));
        Files.writeString(work.resolve("images.yaml"), source.host() + "/lab/regex:/^v9/: " + target.host()
                + "/mirror/regex\n");
        JarRun.writeInsecureAuth(work, source, target);

        JarRun run = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stderr()).containsOnlyOnce("images.yaml: rule 1 (\"" + source.host() + "/lab/regex:/^v9/\") "
                + "selects no tag: none of the 1 tags of " + source.host() + "/lab/regex are tags matching /^v9/; "
                + "nothing to copy");
    }

    /** --arch used to copy a single-platform image of another architecture without a word. */
    @Test
    void arch_leaves_out_a_single_platform_image_of_another_architecture_with_a_line_and_rejects_malformed_values()
            throws Exception {
        RegistrySeeder.of(source).push("lab/amd", "v1", TestImages.ociManifest(1, 1024));
        Files.writeString(work.resolve("images.yaml"), source.host() + "/lab/amd:v1: " + target.host()
                + "/mirror/amd\n");
        JarRun.writeInsecureAuth(work, source, target);

        JarRun filtered = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml",
                "--arch", "arm64");
        JarRun malformed = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml",
                "--arch", "arm:v7:x");

        assertThat(filtered.exitCode()).as(filtered.toString()).isZero();
        assertThat(filtered.stdout()).contains("filtered: the image is for linux/amd64, which os=[] arch=[arm64] "
                + "leaves out");
        assertThat(filtered.summary()).contains("0 images synced").contains("1 filtered");
        assertThat(RegistrySeeder.of(target).fetchManifest("mirror/amd", "v1")).isEmpty();
        assertThat(malformed.exitCode()).isEqualTo(2);
        assertThat(malformed.stderr().strip())
                .isEqualTo("error: sync.arch (--arch): \"arm:v7:x\" is not ARCH[:VARIANT], e.g. amd64 or arm:v7");
    }

    /** Docker Desktop and cloud CLIs keep credentials in helpers, which were ignored: a bare 401. */
    @Test
    void credentials_come_from_a_docker_credential_helper_a_password_or_an_identity_token_and_a_missing_one_is_said()
            throws Exception {
        RegistrySeeder.of(source).push("pub/app", "1", TestImages.ociManifest(1, 1024));
        helperTarget.tokenServer().addUser("bob", "bobs-Password-1").addIdentityToken("identity-Token-7", "bob");
        Path bin = Files.createDirectories(work.resolve("bin"));
        helper(bin, "fieldfake", "alice", "helper-Secret-42");
        helper(bin, "fieldtoken", "<token>", "identity-Token-7");
        Path store = dockerConfig("store", "{\"auths\": {\"" + helperTarget.host() + "\": {}}, \"credsStore\": \"fieldfake\"}");
        Path perRegistry = dockerConfig("per-registry", "{\"auths\": {}, \"credsStore\": \"desktop\", "
                + "\"credHelpers\": {\"" + helperTarget.host() + "\": \"fieldtoken\"}}");
        Path missing = dockerConfig("missing", "{\"auths\": {}, \"credsStore\": \"desktop\"}");
        JarRun.writeInsecureAuth(work, source, helperTarget); // no credentials in the auth file
        String path = bin + java.io.File.pathSeparator + System.getenv("PATH");

        JarRun withStore = sync("store", Map.of("DOCKER_CONFIG", store.toString(), "PATH", path));
        JarRun withIdentityToken = sync("token", Map.of("DOCKER_CONFIG", perRegistry.toString(), "PATH", path));
        JarRun withoutHelper = sync("none", Map.of("DOCKER_CONFIG", missing.toString(), "PATH", path));

        assertThat(withStore.exitCode()).as(withStore.toString()).isZero();
        assertThat(Files.readAllLines(bin.resolve("fieldfake.calls"))).as("asked once, for the registry it serves")
                .containsExactly(helperTarget.host());
        assertThat(withIdentityToken.exitCode()).as(withIdentityToken.toString()).isZero();
        assertThat(helperTarget.tokenServer().requests()).as("bob only through his identity token")
                .anySatisfy(request -> assertThat(request.username()).isEqualTo("bob"));
        assertThat(withoutHelper.exitCode()).as(withoutHelper.toString()).isEqualTo(255);
        assertThat(withoutHelper.stderr()).containsOnlyOnce("credential helper for " + helperTarget.host()
                + " (credsStore in " + missing.resolve("config.json") + "): docker-credential-desktop is not on PATH; "
                + "going on without it");
        for (JarRun run : List.of(withStore, withIdentityToken, withoutHelper)) {
            assertThat(run.stdout() + run.stderr()).doesNotContain("helper-Secret-42").doesNotContain("identity-Token-7");
        }
        assertThat(RegistrySeeder.of(helperTarget).fetchManifest("helped/store", "1")).isPresent();
        assertThat(RegistrySeeder.of(helperTarget).fetchManifest("helped/token", "1")).isPresent();
    }

    private JarRun sync(String destination, Map<String, String> environment) throws Exception {
        Files.writeString(work.resolve("images.yaml"), source.host() + "/pub/app:1: " + helperTarget.host()
                + "/helped/" + destination + "\n");
        return JarRun.in(work, environment, "--auth", "auth.yaml", "--images", "images.yaml");
    }

    private Path dockerConfig(String name, String json) throws Exception {
        Path dir = Files.createDirectories(work.resolve("docker-" + name));
        Files.writeString(dir.resolve("config.json"), json);
        return dir;
    }

    /** A credential helper that answers {@code username}/{@code secret} and notes each server it is asked for. */
    private static void helper(Path bin, String name, String username, String secret) throws Exception {
        Path script = bin.resolve("docker-credential-" + name);
        Files.writeString(script, """
                #!/bin/sh
                [ "$1" = get ] || exit 1
                read -r server || true
                echo "$server" >> "%s"
                printf '{"ServerURL":"%%s","Username":"%s","Secret":"%s"}' "$server"
                """.formatted(bin.resolve(name + ".calls"), username, secret));
        script.toFile().setExecutable(true);
    }

    private static String entry(String mediaType, String digest, int size, String more) {
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size + more + "}";
    }

    private static byte[] gzip(String text) throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }
}

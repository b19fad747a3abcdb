package dev.imagesyncer.app;

import dev.imagesyncer.testing.RegistryExtension;
import dev.imagesyncer.testing.RegistrySeeder;
import dev.imagesyncer.testing.TestImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every bad file exits 2 with one line that names the file, the entry and the problem, and copies nothing. */
class BadConfigIT extends TwoRegistries {

    @BeforeAll
    static void seed() {
        RegistrySeeder.of(source).push("lab/app", "v1", TestImages.dockerV2(1, 64));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "malformed JSON      | images.json | {\"SRC/lab/app:v1\": \"DST/mirror/app\",          | images.json",
            "malformed YAML      | images.yaml | 'SRC/lab/app:v1: [DST/mirror/app'                 | images.yaml",
            "neither JSON nor YAML | images.txt | 'just some words, not a map'                    | images.txt",
            "empty destination   | images.yaml | 'SRC/lab/app:v1: \"\"'                             | --registry",
            "tag-count mismatch  | images.yaml | 'SRC/lab/app:v1,v2: DST/mirror/app:x'             | SRC/lab/app:v1,v2",
            "invalid regex       | images.yaml | '\"SRC/lab/app:/v(1/\": DST/mirror/app'             | SRC/lab/app:/v(1/",
            "invalid reference   | images.yaml | 'SRC/Lab/App:v1: DST/mirror/app'                  | SRC/Lab/App:v1",
            "bad digest          | images.yaml | 'SRC/lab/app@sha256:abc: DST/mirror/app'          | invalid sha256 digest",
            "missing file        | images.yaml |                                                    | no such file",
    })
    void exits_2_with_one_clear_line_before_copying(String name, String file, String content, String named)
            throws Exception {
        if (content != null) {
            Files.writeString(work.resolve(file), content.replace("SRC", source.host()).replace("DST", target.host()));
        }
        StringWriter err = new StringWriter();
        CommandLine command = ImageSyncerApplication.commandLine(new ImageSyncerApplication());
        command.setErr(new PrintWriter(err, true));

        int exit = command.execute("--images", work.resolve(file).toString());

        assertThat(exit).isEqualTo(2);
        String message = err.toString().strip();
        assertThat(message.lines()).as(message).hasSize(1);
        assertThat(message).startsWith("error: ").contains(named.replace("SRC", source.host()));
        assertThat(catalog(target)).as("nothing copied").doesNotContain("mirror/app");
    }

    @org.junit.jupiter.api.Test
    void a_ca_file_without_a_certificate_exits_2_naming_it() throws Exception {
        Files.writeString(work.resolve("images.yaml"), "%s/lab/app:v1: %s/mirror/app\n"
                .formatted(source.host(), target.host()));
        Files.writeString(work.resolve("corp-ca.pem"), "not a certificate\n");
        StringWriter err = new StringWriter();
        CommandLine command = ImageSyncerApplication.commandLine(new ImageSyncerApplication());
        command.setErr(new PrintWriter(err, true));
        int exit = command.execute("--images", work.resolve("images.yaml").toString(),
                "--ca-file", work.resolve("corp-ca.pem").toString());
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString().strip()).hasLineCount(1)
                .startsWith("error: sync.caFiles (--ca-file): CA file ").contains("corp-ca.pem holds no readable PEM certificate");
    }

    @org.junit.jupiter.api.Test
    void a_chunk_size_that_is_no_number_of_mib_exits_2_naming_it() throws Exception {
        Files.writeString(work.resolve("images.yaml"), "%s/lab/app:v1: %s/mirror/app\n"
                .formatted(source.host(), target.host()));

        JarRun run = JarRun.in(work, Map.of("CAMEL_IMAGE_SYNCER_CHUNK_MIB", "0"), "--images", "images.yaml");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.stderr().strip()).isEqualTo(
                "error: sync.upload.chunkMib (CAMEL_IMAGE_SYNCER_CHUNK_MIB) must be a whole number, at least 1, not 0");
        assertThat(catalog(target)).as("nothing copied").doesNotContain("mirror/app");
    }

    @org.junit.jupiter.api.Test
    void an_unknown_extension_is_read_by_its_content() throws Exception {
        Files.writeString(work.resolve("mirror.conf"), "%s/lab/app:v1: %s/sniffed/app\n"
                .formatted(source.host(), target.host()));
        Files.writeString(work.resolve("auth.conf"), "{\"%s\": {\"insecure\": true}, \"%s\": {\"insecure\": true}}"
                .formatted(source.host(), target.host()));
        StringWriter err = new StringWriter();
        CommandLine command = ImageSyncerApplication.commandLine(new ImageSyncerApplication());
        command.setErr(new PrintWriter(err, true));

        int exit = command.execute("--auth", work.resolve("auth.conf").toString(),
                "--images", work.resolve("mirror.conf").toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(catalog(target)).contains("sniffed/app");
    }

    private static String catalog(RegistryExtension registry) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(registry.baseUri() + "/v2/_catalog")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}

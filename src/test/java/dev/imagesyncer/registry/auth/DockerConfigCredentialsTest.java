package dev.imagesyncer.registry.auth;

import dev.imagesyncer.registry.ImageReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

class DockerConfigCredentialsTest {

    @TempDir
    Path dir;

    @Test
    void reads_auth_and_username_password_entries_keyed_by_host_or_url() throws Exception {
        String hubAuth = Base64.getEncoder().encodeToString("hubuser:hub:pass".getBytes(StandardCharsets.UTF_8));
        Path config = dir.resolve("config.json");
        Files.writeString(config, """
                {"auths":{
                  "https://index.docker.io/v1/":{"auth":"%s"},
                  "registry.example.com:8443":{"username":"robot$ci","password":"s3cret"},
                  "empty.example.com":{}
                }, "credsStore":"desktop"}
                """.formatted(hubAuth));

        DockerConfigCredentials credentials = DockerConfigCredentials.read(config);

        assertThat(credentials.find(ImageReference.parse("nginx").repository()))
                .contains(new Credentials("hubuser", "hub:pass"));
        assertThat(credentials.find(ImageReference.parse("registry.example.com:8443/a/b").repository()))
                .contains(new Credentials("robot$ci", "s3cret"));
        assertThat(credentials.find(ImageReference.parse("empty.example.com/a").repository())).isEmpty();
        assertThat(credentials.find(ImageReference.parse("quay.io/a").repository())).isEmpty();
    }

    @Test
    void a_missing_file_means_no_credentials() {
        assertThat(DockerConfigCredentials.read(dir.resolve("absent.json"))
                .find(ImageReference.parse("nginx").repository())).isEmpty();
    }

    @Test
    void credentials_never_print_their_password() {
        assertThat(new Credentials("user", "hunter2").toString()).doesNotContain("hunter2").contains("user");
    }
}

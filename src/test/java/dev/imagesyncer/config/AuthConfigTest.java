package dev.imagesyncer.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagesyncer.registry.ImageReference;
import dev.imagesyncer.registry.Repository;
import dev.imagesyncer.registry.auth.Credentials;
import org.junit.jupiter.api.Test;
import java.nio.file.Files;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Map;

import static dev.imagesyncer.config.ConfigFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuthConfigTest {

    /** examples/auth.yaml of image-syncer, as in IMAGE-SYNCER.md §2.2. */
    private static final String EXAMPLE_YAML = """
            quay.io:                       # "registry" or "registry/namespace"
              username: xxx
              password: xxxxxxxxx
              insecure: true               # optional; true for an http registry
            registry.cn-beijing.aliyuncs.com:
              username: xxx                # optional; "${env}" / "$env" reads an env var
              password: xxxxxxxxx
            docker.io:
              username: "${env}"
              password: "$env"
            quay.io/coreos:                # namespace-specific
              username: abc
              password: xxxxxxxxx
              insecure: true
            """;

    private static final String EXAMPLE_JSON = """
            {
              "quay.io": {"username": "xxx", "password": "xxxxxxxxx", "insecure": true},
              "registry.cn-beijing.aliyuncs.com": {"username": "xxx", "password": "xxxxxxxxx"},
              "docker.io": {"username": "${env}", "password": "$env"},
              "quay.io/coreos": {"username": "abc", "password": "xxxxxxxxx", "insecure": true}
            }
            """;

    private static final Map<String, String> ENV = Map.of("env", "from-env");

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"auth.yaml, yaml", "auth.yml, yaml", "auth.json, json"})
    void reads_the_documented_example_in_json_and_yaml(String name, String format) {
        AuthConfig auth = AuthConfig.load(write(dir, name, format.equals("json") ? EXAMPLE_JSON : EXAMPLE_YAML), ENV);

        assertThat(auth.entries()).containsExactly(
                Map.entry("quay.io", new RegistryAuth("xxx", "xxxxxxxxx", true)),
                Map.entry("registry.cn-beijing.aliyuncs.com", new RegistryAuth("xxx", "xxxxxxxxx", false)),
                Map.entry("docker.io", new RegistryAuth("from-env", "from-env", false)),
                Map.entry("quay.io/coreos", new RegistryAuth("abc", "xxxxxxxxx", true)));
    }

    @Test
    void longest_prefix_wins() {
        AuthConfig auth = AuthConfig.load(write(dir, "auth.yaml", EXAMPLE_YAML), ENV);

        assertThat(auth.find(repo("quay.io/coreos/etcd"))).contains(new RegistryAuth("abc", "xxxxxxxxx", true));
        assertThat(auth.find(repo("quay.io/coreos"))).contains(new RegistryAuth("abc", "xxxxxxxxx", true));
        assertThat(auth.find(repo("quay.io/prometheus/node-exporter")))
                .contains(new RegistryAuth("xxx", "xxxxxxxxx", true));
    }

    @Test
    void a_key_matches_only_at_a_path_boundary() {
        AuthConfig auth = load("""
                quay.io/core: {username: a, password: b}
                quay.io/coreos/etcd-operator: {username: c, password: d}
                """);

        assertThat(auth.find(repo("quay.io/coreos/etcd"))).isEmpty();
        assertThat(auth.find(repo("quay.io/core/x"))).contains(new RegistryAuth("a", "b", false));
        assertThat(auth.find(repo("quay.io/coreos/etcd-operator"))).contains(new RegistryAuth("c", "d", false));
    }

    @Test
    void no_matching_key_is_no_entry() {
        AuthConfig auth = AuthConfig.load(write(dir, "auth.yaml", EXAMPLE_YAML), ENV);

        assertThat(auth.find(repo("ghcr.io/org/app"))).isEmpty();
        assertThat(auth.find(repo("quay.io.evil.com/x"))).isEmpty();
        assertThat(AuthConfig.empty().find(repo("quay.io/a"))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com",
            "Docker.IO"})
    void docker_hub_aliases_are_one_key(String key) {
        AuthConfig auth = load(key + ": {username: hub, password: pw}\n");

        assertThat(auth.entries()).containsOnlyKeys("docker.io");
        assertThat(auth.find(repo("nginx"))).contains(new RegistryAuth("hub", "pw", false));
        assertThat(auth.find(repo("bitnami/redis"))).contains(new RegistryAuth("hub", "pw", false));
    }

    @Test
    void a_docker_hub_namespace_key_is_normalised_too() {
        AuthConfig auth = load("""
                registry.hub.docker.com: {username: hub, password: pw}
                index.docker.io/bitnami/: {username: bitnami, password: pw2}
                """);

        assertThat(auth.entries()).containsOnlyKeys("docker.io", "docker.io/bitnami");
        assertThat(auth.find(repo("bitnami/redis"))).contains(new RegistryAuth("bitnami", "pw2", false));
        assertThat(auth.find(repo("library/nginx"))).contains(new RegistryAuth("hub", "pw", false));
    }

    @Test
    void two_keys_for_the_same_registry_are_an_error() {
        Path file = write(dir, "auth.yaml", "docker.io: {username: a}\nindex.docker.io: {username: b}\n");

        assertThatThrownBy(() -> AuthConfig.load(file, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ": \"index.docker.io\": same registry as \"docker.io\" (both mean docker.io)");
    }

    @Test
    void credentials_are_given_only_when_both_user_and_password_are_set() {
        AuthConfig auth = load("""
                quay.io: {username: u, password: p}
                ghcr.io: {username: only-user}
                ghcr.io/org: {password: only-password}
                registry.example.com: {insecure: true}
                """);

        assertThat(auth.credentials().find(repo("quay.io/a/b"))).contains(new Credentials("u", "p"));
        assertThat(auth.credentials().find(repo("ghcr.io/a/b"))).isEmpty();
        assertThat(auth.credentials().find(repo("ghcr.io/org/b"))).isEmpty();
        assertThat(auth.credentials().find(repo("registry.example.com/a"))).isEmpty();
        assertThat(auth.credentials().find(repo("nginx"))).isEmpty();
    }

    @Test
    void the_longest_match_decides_even_without_credentials() {
        AuthConfig auth = load("""
                quay.io: {username: u, password: p}
                quay.io/public: {insecure: false}
                """);

        assertThat(auth.credentials().find(repo("quay.io/public/app"))).isEmpty();
    }

    @Test
    void insecure_applies_to_the_host_of_any_entry_that_says_so() {
        AuthConfig auth = load("""
                localhost:5000: {insecure: true}
                quay.io: {username: u, password: p}
                quay.io/coreos: {insecure: true}
                ghcr.io: {insecure: false}
                harbor.local/team: {insecure: true}
                """);

        assertThat(auth.isInsecure("localhost:5000")).isTrue();
        assertThat(auth.isInsecure("localhost")).isFalse();
        assertThat(auth.isInsecure("localhost:5001")).isFalse();
        assertThat(auth.isInsecure("quay.io")).isTrue();
        assertThat(auth.isInsecure("QUAY.IO")).isTrue();
        assertThat(auth.isInsecure("ghcr.io")).isFalse();
        assertThat(auth.isInsecure("harbor.local")).isTrue();
        assertThat(auth.isInsecure("harbor")).isFalse();
        assertThat(auth.isInsecure("docker.io")).isFalse();
        assertThat(AuthConfig.empty().isInsecure("quay.io")).isFalse();
    }

    @Test
    void insecure_docker_hub_is_found_by_its_api_host() {
        AuthConfig auth = load("docker.io: {insecure: true}\n");

        assertThat(auth.isInsecure("registry-1.docker.io")).isTrue();
    }

    @Test
    void user_and_password_are_expanded_from_the_environment() {
        Path file = write(dir, "auth.json", """
                {"harbor.example.com": {"username": "robot$$proj+ci", "password": "${HARBOR_TOKEN}"},
                 "quay.io": {"username": "$QUAY_USER", "password": "$UNSET"}}
                """);

        AuthConfig auth = AuthConfig.load(file, Map.of("HARBOR_TOKEN", "t0k3n", "QUAY_USER", "me"));

        assertThat(auth.entries().get("harbor.example.com")).isEqualTo(new RegistryAuth("robot$proj+ci", "t0k3n", false));
        assertThat(auth.entries().get("quay.io")).as("a variable that is not set stays as written")
                .isEqualTo(new RegistryAuth("me", "$UNSET", false));
    }

    @Test
    void from_tree_reads_a_section_of_another_file() throws Exception {
        var section = new ObjectMapper().readTree("{\"quay.io\": {\"username\": \"$U\", \"password\": \"p\"}}");

        AuthConfig auth = AuthConfig.fromTree(section, "config.json", Map.of("U", "me"));
        AuthConfig literal = AuthConfig.fromTree(section, "config.json", EnvironmentExpander.none());

        assertThat(auth.find(repo("quay.io/a"))).contains(new RegistryAuth("me", "p", false));
        assertThat(literal.find(repo("quay.io/a"))).contains(new RegistryAuth("$U", "p", false));
    }

    @Test
    void an_entry_without_fields_is_anonymous() {
        AuthConfig auth = load("quay.io:\n");

        assertThat(auth.find(repo("quay.io/a"))).contains(new RegistryAuth("", "", false));
    }

    @Test
    void the_password_is_never_printed() {
        RegistryAuth auth = new RegistryAuth("user", "hunter2", true);

        assertThat(auth.toString()).isEqualTo("RegistryAuth[username=user, password=***, insecure=true]");
        assertThat(load("quay.io: {username: u, password: hunter2}\n").toString()).doesNotContain("hunter2");
    }

    @Test
    void an_unknown_field_is_an_error_naming_the_entry() {
        Path file = write(dir, "auth.json", "{\"quay.io\": {\"user\": \"a\", \"password\": \"b\"}}");

        assertThatThrownBy(() -> AuthConfig.load(file, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ": \"quay.io\": unknown field \"user\" (expected username, password, insecure, ca)");
    }

    @Test
    void insecure_must_be_a_boolean() {
        Path file = write(dir, "auth.yaml", "quay.io:\n  insecure: \"true\"\n");

        assertThatThrownBy(() -> AuthConfig.load(file, Map.of()))
                .hasMessage(file + ": \"quay.io\": insecure must be true or false, found a string");
    }

    @Test
    void a_password_must_be_a_string() {
        Path file = write(dir, "auth.yaml", "quay.io:\n  username: a\n  password: 0123\n");

        assertThatThrownBy(() -> AuthConfig.load(file, Map.of()))
                .hasMessage(file + ": \"quay.io\": password must be a string, found a number (put it in quotes)");
    }

    @Test
    void an_entry_must_be_a_map() {
        Path file = write(dir, "auth.json", "{\"quay.io\": \"user:password\"}");

        assertThatThrownBy(() -> AuthConfig.load(file, Map.of()))
                .hasMessage(file + ": \"quay.io\": expected a map of username, password, insecure, ca, found a string");
    }

    @Test
    void the_file_must_be_a_map() {
        Path file = write(dir, "auth.yaml", "- quay.io\n");

        assertThatThrownBy(() -> AuthConfig.load(file, Map.of()))
                .hasMessage(file + ": expected a map of registry to {username, password, insecure, ca}, found a list");
    }

    @Test
    void a_key_with_a_scheme_is_an_error() {
        Path file = write(dir, "auth.json", "{\"https://quay.io\": {}}");

        assertThatThrownBy(() -> AuthConfig.load(file, Map.of()))
                .hasMessage(file + ": \"https://quay.io\": write the registry without a scheme,"
                        + " e.g. quay.io or quay.io/namespace");
    }

    @Test
    void a_key_that_can_match_no_image_is_an_error() {
        Path file = write(dir, "auth.json", "{\"quay.io/Team\": {}}");

        assertThatThrownBy(() -> AuthConfig.load(file, Map.of()))
                .hasMessage(file + ": \"quay.io/Team\": invalid repository name 'Team'"
                        + " (lowercase letters, digits and . _ - separators, components joined by '/')");
    }

    @Test
    void a_malformed_auth_file_names_the_file() {
        Path file = write(dir, "auth.json", "{\"quay.io\": {\"username\": \"a\",}}");

        assertThatThrownBy(() -> AuthConfig.load(file, Map.of()))
                .hasMessage(file + ": not valid JSON at line 1, column 30: Unexpected character ('}' (code 125)):"
                        + " was expecting double-quote to start field name");
    }

    private AuthConfig load(String yaml) {
        return AuthConfig.load(write(dir, "auth.yaml", yaml), Map.of());
    }

    private static Repository repo(String reference) {
        return ImageReference.parse(reference).repository();
    }

    @Test
    void a_ca_file_is_found_relative_to_the_auth_file_and_must_exist(@org.junit.jupiter.api.io.TempDir Path folder)
            throws Exception {
        Files.writeString(folder.resolve("registry-ca.pem"), "-----BEGIN CERTIFICATE-----\n");
        Path file = Files.writeString(folder.resolve("auth.yaml"), """
                harbor.lab:8443: {username: u, password: p, ca: registry-ca.pem}
                quay.io/team: {ca: registry-ca.pem}
                """);
        Path missing = Files.writeString(folder.resolve("bad.yaml"), "harbor.lab: {ca: nowhere.pem}\n");

        AuthConfig auth = AuthConfig.load(file, Map.of());

        assertThat(auth.caFile("harbor.lab:8443")).contains(folder.resolve("registry-ca.pem"));
        assertThat(auth.caFile("quay.io")).contains(folder.resolve("registry-ca.pem"));
        assertThat(auth.caFile("docker.io")).isEmpty();
        assertThatThrownBy(() -> AuthConfig.load(missing, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(missing + ": \"harbor.lab\": ca file \"nowhere.pem\" not found");
    }
}

package dev.imagesyncer.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.imagesyncer.config.ConfigFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigFormatTest {

    private static final String EXPECTED = "a map of things";

    @TempDir
    Path dir;

    @Test
    void the_extension_chooses_the_format() {
        assertThat(ConfigFormat.of(Path.of("a.json"), "a: b")).isEqualTo(ConfigFormat.JSON);
        assertThat(ConfigFormat.of(Path.of("a.JSON"), "a: b")).isEqualTo(ConfigFormat.JSON);
        assertThat(ConfigFormat.of(Path.of("a.yaml"), "{}")).isEqualTo(ConfigFormat.YAML);
        assertThat(ConfigFormat.of(Path.of("a.yml"), "{}")).isEqualTo(ConfigFormat.YAML);
    }

    @Test
    void any_other_extension_is_sniffed_from_the_first_non_blank_character() {
        assertThat(ConfigFormat.of(Path.of("a.conf"), "\n  {\"a\": 1}")).isEqualTo(ConfigFormat.JSON);
        assertThat(ConfigFormat.of(Path.of("a"), "[1]")).isEqualTo(ConfigFormat.JSON);
        assertThat(ConfigFormat.of(Path.of("a.txt"), "# comment\na: 1")).isEqualTo(ConfigFormat.YAML);
    }

    @Test
    void reads_json_and_yaml_maps_keeping_key_order() {
        ObjectNode json = ConfigFormat.readMap(write(dir, "a.json", "{\"z\": 1, \"a\": [\"x\"]}"), EXPECTED);
        ObjectNode yaml = ConfigFormat.readMap(write(dir, "a.yml", "z: 1\na:\n  - x\n"), EXPECTED);

        assertThat(json).isEqualTo(yaml);
        assertThat(json.properties()).extracting(e -> e.getKey()).containsExactly("z", "a");
    }

    @Test
    void unknown_extension_with_json_or_yaml_content_is_read() {
        ObjectNode json = ConfigFormat.readMap(write(dir, "images.conf", "  {\"a\": \"b\"}"), EXPECTED);
        ObjectNode yaml = ConfigFormat.readMap(write(dir, "images", "a: b\n"), EXPECTED);

        assertThat(json.get("a").textValue()).isEqualTo("b");
        assertThat(yaml).isEqualTo(json);
    }

    @Test
    void a_byte_order_mark_is_ignored() {
        ObjectNode map = ConfigFormat.readMap(write(dir, "a.json", "\uFEFF{\"a\": \"b\"}"), EXPECTED);

        assertThat(map.get("a").textValue()).isEqualTo("b");
    }

    @Test
    void malformed_json_is_one_line_with_line_and_column() {
        Path file = write(dir, "auth.json", "{\n  \"quay.io\": {\n    username: \"x\"\n  }\n}\n");

        assertThatThrownBy(() -> ConfigFormat.readMap(file, EXPECTED))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ": not valid JSON at line 3, column 5: Unexpected character ('u' (code 117)):"
                        + " was expecting double-quote to start field name");
    }

    @Test
    void an_unquoted_password_is_not_repeated_in_the_error() {
        Path file = write(dir, "auth.json", "{\"quay.io\": {\"username\": \"x\", \"password\": hunter2}}\n");

        assertThatThrownBy(() -> ConfigFormat.readMap(file, EXPECTED))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(file + ": not valid JSON at line 1, column ")
                .hasMessageContaining("Unrecognized token")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void nested_json_locations_are_written_as_line_and_column_too() {
        Path file = write(dir, "a.json", "{\"a\": [1, 2}");

        assertThatThrownBy(() -> ConfigFormat.readMap(file, EXPECTED))
                .hasMessage(file + ": not valid JSON at line 1, column 12: Unexpected close marker '}': expected ']'"
                        + " (for Array starting at line 1, column 7)");
    }

    @Test
    void malformed_yaml_is_one_line_with_line_and_column() {
        Path file = write(dir, "images.yaml", "quay.io/a: quay.io/b: c\n");

        assertThatThrownBy(() -> ConfigFormat.readMap(file, EXPECTED))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ": not valid YAML at line 1, column 21: mapping values are not allowed here");
    }

    @Test
    void malformed_yaml_names_what_was_being_parsed() {
        Path file = write(dir, "images.yaml", "a:\n  - x\n y: 2\n");

        assertThatThrownBy(() -> ConfigFormat.readMap(file, EXPECTED))
                .hasMessage(file + ": not valid YAML at line 3, column 2: expected <block end>, but found"
                        + " '<block mapping start>' (while parsing a block mapping at line 1, column 1)");
    }

    @Test
    void a_key_given_twice_is_an_error_in_json() {
        Path file = write(dir, "images.json", "{\n  \"a\": \"b\",\n  \"a\": \"c\"\n}");

        assertThatThrownBy(() -> ConfigFormat.readMap(file, EXPECTED))
                .hasMessage(file + ": not valid JSON at line 3, column 6: duplicate key \"a\"");
    }

    @Test
    void a_key_given_twice_is_an_error_in_yaml() {
        Path file = write(dir, "auth.yaml", "quay.io:\n  username: a\n  username: b\n");

        assertThatThrownBy(() -> ConfigFormat.readMap(file, EXPECTED))
                .hasMessage(file + ": not valid YAML at line 3, column 11: duplicate key \"username\"");
    }

    @Test
    void a_second_yaml_document_is_an_error() {
        Path file = write(dir, "a.yaml", "a: b\n---\nc: d\n");

        assertThatThrownBy(() -> ConfigFormat.readMap(file, EXPECTED))
                .hasMessage(file + ": not valid YAML at line 3, column 1: more than one document");
    }

    @Test
    void content_after_the_json_value_is_an_error() {
        Path file = write(dir, "a.json", "{\"a\": \"b\"}\n{\"c\": \"d\"}\n");

        assertThatThrownBy(() -> ConfigFormat.readMap(file, EXPECTED))
                .hasMessage(file + ": not valid JSON at line 2, column 1: more than one top-level value");
    }

    @Test
    void a_plain_sentence_is_not_a_map() {
        Path file = write(dir, "images.txt", "please sync nginx to my registry\n");

        assertThatThrownBy(() -> ConfigFormat.readMap(file, EXPECTED))
                .hasMessage(file + ": expected a map of things, found a string");
    }

    @Test
    void a_list_is_not_a_map() {
        Path json = write(dir, "images.json", "[\"nginx\"]");
        Path yaml = write(dir, "images.yaml", "- nginx\n");

        assertThatThrownBy(() -> ConfigFormat.readMap(json, EXPECTED))
                .hasMessage(json + ": expected a map of things, found a list");
        assertThatThrownBy(() -> ConfigFormat.readMap(yaml, EXPECTED))
                .hasMessage(yaml + ": expected a map of things, found a list");
    }

    @ParameterizedTest
    @ValueSource(strings = {"images.yaml", "images.json", "images.bin"})
    void binary_junk_is_not_a_map(String name) throws IOException {
        Path file = Files.write(dir.resolve(name), new byte[] {0x1f, (byte) 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00});

        assertThatThrownBy(() -> ConfigFormat.readMap(file, EXPECTED))
                .hasMessage(file + ": expected a map of things, found binary data");
    }

    @Test
    void invalid_utf8_is_binary_data() throws IOException {
        Path file = Files.write(dir.resolve("a.yaml"), new byte[] {'a', ':', ' ', (byte) 0xff, (byte) 0xfe});

        assertThatThrownBy(() -> ConfigFormat.readMap(file, EXPECTED))
                .hasMessage(file + ": expected a map of things, found binary data");
    }

    @Test
    void an_empty_yaml_file_is_an_empty_map_and_an_empty_json_file_an_error() {
        Path yaml = write(dir, "a.yaml", "# everything commented out\n");
        Path json = write(dir, "a.json", "  \n");

        assertThat(ConfigFormat.readMap(yaml, EXPECTED)).isEmpty();
        assertThatThrownBy(() -> ConfigFormat.readMap(json, EXPECTED))
                .hasMessage(json + ": not valid JSON: the file is empty");
    }

    @Test
    void a_missing_file_is_named() {
        Path file = dir.resolve("nope.json");

        assertThatThrownBy(() -> ConfigFormat.readMap(file, EXPECTED))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ": no such file");
    }

    @Test
    void a_directory_is_not_a_file() {
        assertThatThrownBy(() -> ConfigFormat.readMap(dir, EXPECTED))
                .hasMessage(dir + ": is a directory, not a file");
    }
}

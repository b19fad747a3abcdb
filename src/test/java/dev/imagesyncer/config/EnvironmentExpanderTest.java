package dev.imagesyncer.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EnvironmentExpanderTest {

    private final EnvironmentExpander expander =
            EnvironmentExpander.of(Map.of("USER", "ci", "PASS", "s3cret", "REG", "registry.example.com", "A_1", "x"));

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', emptyValue = "", value = {
            "$USER               | ci",
            "${USER}             | ci",
            "${REG}/mirror/nginx | registry.example.com/mirror/nginx",
            "$REG/mirror         | registry.example.com/mirror",
            "pre-${USER}-post    | pre-ci-post",
            "$A_1$USER           | xci",
            "plain               | plain",
    })
    void expands_dollar_name_and_braced_names(String text, String expanded) {
        assertThat(expander.expand(text)).isEqualTo(expanded);
    }

    @Test
    void double_dollar_is_a_literal_dollar() {
        assertThat(expander.expand("robot$$proj+ci")).isEqualTo("robot$proj+ci");
        assertThat(expander.expand("$$USER")).isEqualTo("$USER");
        assertThat(expander.expand("$$$USER")).isEqualTo("$ci");
    }

    @Test
    void an_undefined_variable_expands_to_nothing() {
        assertThat(expander.expand("$oauthtoken")).isEmpty();
        assertThat(expander.expand("a${NOPE}b")).isEqualTo("ab");
        assertThat(expander.expand("robot$proj+ci")).isEqualTo("robot+ci");
    }

    @Test
    void a_dollar_not_followed_by_a_name_is_kept() {
        assertThat(expander.expand("pa$")).isEqualTo("pa$");
        assertThat(expander.expand("a$-b$ c")).isEqualTo("a$-b$ c");
        assertThat(expander.expand("${USER")).isEqualTo("${USER");
        assertThat(expander.expand("${}")).isEqualTo("${}");
    }

    @Test
    void none_expands_nothing() {
        assertThat(EnvironmentExpander.none().expand("robot$proj ${USER} $$")).isEqualTo("robot$proj ${USER} $$");
    }

    @Test
    void the_system_environment_is_the_production_source() {
        String path = System.getenv("PATH");

        assertThat(EnvironmentExpander.system().expand("${PATH}")).isEqualTo(path == null ? "" : path);
    }
}

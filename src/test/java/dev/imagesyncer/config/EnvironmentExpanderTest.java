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
        assertThat(expander.expand(text, "test")).isEqualTo(expanded);
    }

    @Test
    void double_dollar_is_a_literal_dollar() {
        assertThat(expander.expand("robot$$proj+ci", "test")).isEqualTo("robot$proj+ci");
        assertThat(expander.expand("$$USER", "test")).isEqualTo("$USER");
        assertThat(expander.expand("$$$USER", "test")).isEqualTo("$ci");
    }

    @Test
    void a_variable_that_is_not_set_stays_as_written_with_one_warning_naming_it_and_its_place() {
        assertThat(expander.expand("$oauthtoken", "auth.yaml: entry \"quay.io\", field username"))
                .isEqualTo("$oauthtoken");
        assertThat(expander.expand("a${NOPE}b", "images.yaml: entry \"a\", destination")).isEqualTo("a${NOPE}b");
        assertThat(expander.expand("robot$proj+ci", "auth.yaml: entry \"harbor.lab\", field username"))
                .isEqualTo("robot$proj+ci");
        assertThat(expander.expand("robot$proj+ci", "auth.yaml: entry \"harbor.lab\", field username"))
                .isEqualTo("robot$proj+ci");

        assertThat(expander.warnings()).containsExactly(
                "auth.yaml: entry \"quay.io\", field username: the variable oauthtoken is not set, so it stays as "
                        + "written (write $$ for a literal $)",
                "images.yaml: entry \"a\", destination: the variable NOPE is not set, so it stays as written (write "
                        + "$$ for a literal $)",
                "auth.yaml: entry \"harbor.lab\", field username: the variable proj is not set, so it stays as "
                        + "written (write $$ for a literal $)");
    }

    @Test
    void in_a_secret_only_names_that_look_like_variables_are_repeated() {
        assertThat(expander.expandSecret("Pa$word123", "auth.yaml: entry \"r\", field password")).isEqualTo("Pa$word123");
        assertThat(expander.expandSecret("${HARBOR_TOKEN}", "auth.yaml: entry \"h\", field password"))
                .isEqualTo("${HARBOR_TOKEN}");

        assertThat(expander.warnings()).containsExactly(
                "auth.yaml: entry \"r\", field password: a $ is not followed by the name of a variable that is set, so "
                        + "it stays as written (write $$ for a literal $)",
                "auth.yaml: entry \"h\", field password: the variable HARBOR_TOKEN is not set, so it stays as written "
                        + "(write $$ for a literal $)");
        assertThat(String.join(" ", expander.warnings())).doesNotContain("word123");
    }

    @Test
    void a_dollar_not_followed_by_a_name_is_kept() {
        assertThat(expander.expand("pa$", "test")).isEqualTo("pa$");
        assertThat(expander.expand("a$-b$ c", "test")).isEqualTo("a$-b$ c");
        assertThat(expander.expand("${USER", "test")).isEqualTo("${USER");
        assertThat(expander.expand("${}", "test")).isEqualTo("${}");
    }

    @Test
    void none_expands_nothing() {
        assertThat(EnvironmentExpander.none().expand("robot$proj ${USER} $$", "test")).isEqualTo("robot$proj ${USER} $$");
    }

    @Test
    void the_system_environment_is_the_production_source() {
        String path = System.getenv("PATH");

        assertThat(EnvironmentExpander.system().expand("${PATH}", "test")).isEqualTo(path == null ? "" : path);
    }
}

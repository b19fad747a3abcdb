package dev.imagesyncer.registry.auth;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AuthChallengeTest {

    @Test
    void parses_a_bearer_challenge_with_several_scopes_in_one_value() {
        AuthChallenge challenge = AuthChallenge.parse("Bearer realm=\"http://127.0.0.1:5382/token\","
                + "service=\"test-registry\",scope=\"repository:lab/c:pull,push repository:lab/a:pull\","
                + "error=\"insufficient_scope\"").orElseThrow();

        assertThat(challenge.isBearer()).isTrue();
        assertThat(challenge.realm()).isEqualTo("http://127.0.0.1:5382/token");
        assertThat(challenge.service()).contains("test-registry");
        assertThat(challenge.error()).contains("insufficient_scope");
        assertThat(challenge.scopes()).containsExactlyInAnyOrder(Scope.push("lab/c"), Scope.pull("lab/a"));
    }

    @Test
    void parses_basic_and_lowercase_schemes_and_unquoted_values() {
        AuthChallenge basic = AuthChallenge.parse("Basic realm=\"Registry Realm\"").orElseThrow();
        AuthChallenge bearer = AuthChallenge.parse("bearer realm=https://auth.example.com/token,service=reg")
                .orElseThrow();

        assertThat(basic.isBasic()).isTrue();
        assertThat(basic.realm()).isEqualTo("Registry Realm");
        assertThat(bearer.isBearer()).isTrue();
        assertThat(bearer.realm()).isEqualTo("https://auth.example.com/token");
        assertThat(bearer.service()).contains("reg");
        assertThat(bearer.scopes()).isEmpty();
    }

    @Test
    void a_missing_header_is_no_challenge() {
        assertThat(AuthChallenge.parse(null)).isEmpty();
        assertThat(AuthChallenge.parse("  ")).isEmpty();
    }
}

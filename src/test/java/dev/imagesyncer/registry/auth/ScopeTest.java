package dev.imagesyncer.registry.auth;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ScopeTest {

    @Test
    void a_resource_name_may_hold_a_port() {
        Scope scope = Scope.parse("repository:localhost:5000/lab/app:push,pull");

        assertThat(scope.type()).isEqualTo("repository");
        assertThat(scope.name()).isEqualTo("localhost:5000/lab/app");
        assertThat(scope.actions()).containsExactlyInAnyOrder("pull", "push");
    }

    @Test
    void prints_actions_in_a_stable_order_so_it_can_key_a_cache() {
        assertThat(Scope.parse("repository:a:push,pull")).hasToString("repository:a:pull,push");
        assertThat(Scope.parse("repository:a:push,pull")).isEqualTo(Scope.push("a"));
    }

    @Test
    void a_wildcard_covers_every_action() {
        Scope all = new Scope("registry", "catalog", Set.of("*"));

        assertThat(all.covers(new Scope("registry", "catalog", Set.of("pull")))).isTrue();
        assertThat(Scope.pull("a").covers(Scope.push("a"))).isFalse();
        assertThat(Scope.push("a").covers(Scope.pull("a"))).isTrue();
    }
}

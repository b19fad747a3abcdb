package dev.imagesyncer.registry.http;

import org.apache.hc.core5.http.HttpHost;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EnvironmentProxyPlannerTest {

    private final EnvironmentProxyPlanner planner = new EnvironmentProxyPlanner(Map.of(
            "HTTPS_PROXY", "http://proxy.corp:3128",
            "http_proxy", "proxy.corp:8080",
            "NO_PROXY", "internal.corp, .svc.local,registry.lab:5000"));

    @Test
    void sends_https_and_http_through_their_proxies() {
        assertThat(planner.determineProxy(new HttpHost("https", "quay.io", 443), null))
                .isEqualTo(new HttpHost("http", "proxy.corp", 3128));
        assertThat(planner.determineProxy(new HttpHost("http", "quay.io", 80), null))
                .isEqualTo(new HttpHost("http", "proxy.corp", 8080));
    }

    @Test
    void no_proxy_matches_hosts_their_subdomains_and_host_ports() {
        assertThat(planner.determineProxy(new HttpHost("https", "internal.corp", 443), null)).isNull();
        assertThat(planner.determineProxy(new HttpHost("https", "reg.internal.corp", 443), null)).isNull();
        assertThat(planner.determineProxy(new HttpHost("https", "a.svc.local", 443), null)).isNull();
        assertThat(planner.determineProxy(new HttpHost("https", "registry.lab", 5000), null)).isNull();
        assertThat(planner.determineProxy(new HttpHost("https", "registry.lab", 443), null)).isNotNull();
        assertThat(planner.determineProxy(new HttpHost("https", "notinternal.corp", 443), null)).isNotNull();
    }

    @Test
    void loopback_never_goes_through_a_proxy() {
        assertThat(planner.determineProxy(new HttpHost("http", "127.0.0.1", 5000), null)).isNull();
        assertThat(planner.determineProxy(new HttpHost("https", "localhost", 5000), null)).isNull();
    }

    @Test
    void without_variables_there_is_no_proxy() {
        assertThat(new EnvironmentProxyPlanner(Map.of()).determineProxy(new HttpHost("https", "quay.io", 443), null))
                .isNull();
    }
}

package dev.imagesyncer.registry.http;

import org.apache.hc.client5.http.impl.DefaultSchemePortResolver;
import org.apache.hc.client5.http.impl.routing.DefaultRoutePlanner;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.protocol.HttpContext;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Routes through the proxy named by {@code HTTPS_PROXY} / {@code HTTP_PROXY} (either case), except for hosts
 * matched by {@code NO_PROXY} and for loopback addresses, as curl and Go programs do.
 */
final class EnvironmentProxyPlanner extends DefaultRoutePlanner {

    private final HttpHost httpsProxy;
    private final HttpHost httpProxy;
    private final List<String> noProxy;

    EnvironmentProxyPlanner(Map<String, String> environment) {
        super(DefaultSchemePortResolver.INSTANCE);
        this.httpsProxy = proxyOf(variable(environment, "HTTPS_PROXY"));
        this.httpProxy = proxyOf(variable(environment, "HTTP_PROXY"));
        String exclusions = variable(environment, "NO_PROXY");
        this.noProxy = exclusions == null ? List.of()
                : Arrays.stream(exclusions.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> s.toLowerCase(Locale.ROOT)).toList();
    }

    @Override
    protected HttpHost determineProxy(HttpHost target, HttpContext context) {
        HttpHost proxy = "https".equals(target.getSchemeName()) ? httpsProxy : httpProxy;
        return proxy == null || bypasses(target) ? null : proxy;
    }

    private boolean bypasses(HttpHost target) {
        String host = target.getHostName().toLowerCase(Locale.ROOT);
        if (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1")) {
            return true;
        }
        for (String rule : noProxy) {
            if (rule.equals("*")) {
                return true;
            }
            String ruleHost = rule;
            int colon = rule.lastIndexOf(':');
            if (colon > 0 && !rule.endsWith("]")) {
                if (!rule.substring(colon + 1).equals(String.valueOf(target.getPort()))) {
                    continue;
                }
                ruleHost = rule.substring(0, colon);
            }
            String suffix = ruleHost.startsWith(".") ? ruleHost : "." + ruleHost;
            if (host.equals(ruleHost.replaceFirst("^\\.", "")) || host.endsWith(suffix)) {
                return true;
            }
        }
        return false;
    }

    private static String variable(Map<String, String> environment, String name) {
        String value = environment.get(name);
        if (value == null || value.isBlank()) {
            value = environment.get(name.toLowerCase(Locale.ROOT));
        }
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static HttpHost proxyOf(String value) {
        if (value == null) {
            return null;
        }
        URI uri = URI.create(value.contains("://") ? value : "http://" + value);
        int port = uri.getPort() > 0 ? uri.getPort() : ("https".equals(uri.getScheme()) ? 443 : 80);
        return new HttpHost(uri.getScheme(), uri.getHost(), port);
    }
}

package dev.imagesyncer.registry.http;

import dev.imagesyncer.registry.Repository;
import dev.imagesyncer.registry.auth.Scope;
import org.apache.hc.core5.http.HttpEntity;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One call to a registry's API.
 *
 * @param target    a path under the registry ({@code /v2/...}) or an absolute URL the registry handed out
 *                  (an upload {@code Location}, a {@code Link} to the next page)
 * @param scopes    the token scopes the call needs, asked for when the registry uses token auth
 * @param operation what the call does, for error messages: {@code "GET manifest reg/repo:tag"}
 */
public record RegistryRequest(String method, Repository repository, String target, Map<String, String> headers,
                              HttpEntity body, Set<Scope> scopes, String operation) {

    public RegistryRequest {
        headers = Map.copyOf(headers);
        scopes = Set.copyOf(scopes);
    }

    public static RegistryRequest of(String method, Repository repository, String target, Set<Scope> scopes,
                                     String operation) {
        return new RegistryRequest(method, repository, target, Map.of(), null, scopes, operation);
    }

    public RegistryRequest withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new RegistryRequest(method, repository, target, more, body, scopes, operation);
    }

    public RegistryRequest withBody(HttpEntity entity) {
        return new RegistryRequest(method, repository, target, headers, entity, scopes, operation);
    }

    /** A request whose body cannot be sent twice cannot be replayed after an auth challenge. */
    boolean isReplayable() {
        return body == null || body.isRepeatable();
    }
}

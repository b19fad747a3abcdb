package dev.imagesyncer.registry.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagesyncer.registry.ErrorCode;
import dev.imagesyncer.registry.PermanentRegistryException;
import dev.imagesyncer.registry.Repository;
import dev.imagesyncer.registry.auth.AuthChallenge;
import dev.imagesyncer.registry.auth.BearerToken;
import dev.imagesyncer.registry.auth.CredentialSource;
import dev.imagesyncer.registry.auth.Credentials;
import dev.imagesyncer.registry.auth.Scope;
import org.apache.hc.core5.net.URIBuilder;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Answers registry auth challenges: Basic credentials, or Docker token auth (GET the challenge's realm with the
 * service and scopes, Basic credentials if there are any, then {@code Authorization: Bearer}). Remembers which
 * scheme each host asked for, so later calls authenticate up front, and caches tokens per host and scope set
 * until shortly before they expire.
 */
final class Authenticator {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The token spec's default lifetime when a token server does not say. */
    private static final long DEFAULT_EXPIRES_IN_SECONDS = 60;

    private final CredentialSource credentials;
    private final Clock clock;
    private final Map<String, AuthChallenge> challengeByHost = new ConcurrentHashMap<>();
    private final Map<String, TokenSlot> tokens = new ConcurrentHashMap<>();

    private final TokenRequestSender sender;
    private final Predicate<String> insecureRegistry;
    /** Scope sets a registry asked to widen (its challenge named more than we asked for), to ask for up front. */
    private final Map<String, Set<Scope>> widenedScopes = new ConcurrentHashMap<>();

    Authenticator(CredentialSource credentials, TokenRequestSender sender, Clock clock,
                  Predicate<String> insecureRegistry) {
        this.credentials = credentials;
        this.sender = sender;
        this.clock = clock;
        this.insecureRegistry = insecureRegistry;
    }

    /** Sends requests to a token realm, outside the auth loop that registry calls go through. */
    interface TokenRequestSender {
        /** GET {@code uri}, with {@code Authorization} when given. */
        RegistryResponse get(URI uri, Optional<String> authorization) throws IOException;

        /** POST {@code form} ({@code application/x-www-form-urlencoded}) to {@code uri}. */
        RegistryResponse post(URI uri, String form) throws IOException;
    }

    /** The Authorization header to send before any challenge, from what this host asked for before. */
    Optional<String> authorizationFor(Repository repository, Set<Scope> scopes) {
        AuthChallenge known = challengeByHost.get(repository.apiHost());
        if (known == null) {
            return Optional.empty();
        }
        if (known.isBasic()) {
            return basicFor(repository);
        }
        Set<Scope> wanted = widenedScopes.getOrDefault(scopeKey(repository, scopes), scopes);
        return Optional.of(slot(repository, known, wanted).token(null).authorization());
    }

    /**
     * Answers a 401: the header to retry with, or empty when a retry cannot help (no credentials, or the
     * same header was already refused).
     */
    Optional<String> answer(Repository repository, AuthChallenge challenge, Set<Scope> scopes, String refused) {
        challengeByHost.put(repository.apiHost(), challenge);
        String retryWith;
        if (challenge.isBasic()) {
            retryWith = basicFor(repository).orElse(null);
        } else if (challenge.isBearer() && challenge.realm() != null) {
            Set<Scope> wanted = new LinkedHashSet<>(scopes);
            wanted.addAll(challenge.scopes());
            if (!wanted.equals(scopes)) {
                widenedScopes.put(scopeKey(repository, scopes), Set.copyOf(wanted));
            }
            retryWith = slot(repository, challenge, wanted).token(refused).authorization();
        } else {
            retryWith = null;
        }
        return retryWith == null || retryWith.equals(refused) ? Optional.empty() : Optional.of(retryWith);
    }

    /** Basic credentials for the repository; an identity token is never one (Docker sends nothing then). */
    private Optional<String> basicFor(Repository repository) {
        return credentials.find(repository).filter(user -> !user.isIdentityToken()).map(Credentials::basicAuthorization);
    }

    private TokenSlot slot(Repository repository, AuthChallenge challenge, Set<Scope> scopes) {
        String key = scopeKey(repository, scopes) + " " + challenge.realm() + " " + challenge.service().orElse("");
        return tokens.computeIfAbsent(key, k -> new TokenSlot(repository, challenge, sortedScopes(scopes)));
    }

    private static String scopeKey(Repository repository, Set<Scope> scopes) {
        return repository.apiHost() + " " + String.join(" ", sortedScopes(scopes));
    }

    private static Set<String> sortedScopes(Set<Scope> scopes) {
        Set<String> sorted = new TreeSet<>();
        scopes.forEach(scope -> sorted.add(scope.toString()));
        return sorted;
    }

    /** One cached token; a lock per slot so concurrent callers fetch it once. */
    private final class TokenSlot {
        private final Repository repository;
        private final AuthChallenge challenge;
        private final Set<String> scopes;
        private BearerToken token;

        TokenSlot(Repository repository, AuthChallenge challenge, Set<String> scopes) {
            this.repository = repository;
            this.challenge = challenge;
            this.scopes = scopes;
        }

        /**
         * The cached token, fetched anew when there is none, it is about to expire, or it is the one the registry
         * just refused: threads that were refused the same token share one new token.
         */
        synchronized BearerToken token(String refused) {
            Instant now = clock.instant();
            if (token == null || !token.isUsableAt(now) || token.authorization().equals(refused)) {
                token = fetch(now);
            }
            return token;
        }

        /**
         * The OAuth2 form that trades an identity token for an access token with this slot's service and scopes
         * (Docker token authentication, "OAuth2 token", {@code grant_type=refresh_token}).
         */
        private String refreshForm(String refreshToken) {
            return "grant_type=refresh_token&client_id=camel-image-syncer&service="
                    + encode(challenge.service().orElse(repository.apiHost())) + "&scope="
                    + encode(String.join(" ", scopes)) + "&refresh_token=" + encode(refreshToken);
        }

        private BearerToken fetch(Instant now) {
            Optional<Credentials> user = credentials.find(repository);
            boolean identityToken = user.isPresent() && user.get().isIdentityToken();
            String operation = (identityToken ? "POST" : "GET") + " token for " + repository + " from "
                    + hostOf(challenge.realm());
            URI uri;
            try {
                URIBuilder builder = new URIBuilder(challenge.realm())
                        .addParameter("service", challenge.service().orElse(repository.apiHost()));
                scopes.forEach(scope -> builder.addParameter("scope", scope));
                uri = builder.build();
            } catch (URISyntaxException e) {
                throw new PermanentRegistryException(operation + ": invalid token realm", 0, ErrorCode.UNAUTHORIZED);
            }
            if (user.isPresent() && !"https".equals(uri.getScheme()) && !insecureRegistry.test(repository.registry())) {
                throw new PermanentRegistryException(operation + ": the token realm is plain http; refusing to send "
                        + "credentials over it (mark the registry insecure to allow it)", 0, ErrorCode.UNAUTHORIZED);
            }
            try (RegistryResponse response = identityToken ? sender.post(URI.create(challenge.realm()),
                    refreshForm(user.get().password())) : sender.get(uri, user.map(Credentials::basicAuthorization))) {
                if (response.status() == 401 || response.status() == 403) {
                    throw new PermanentRegistryException(operation + ": HTTP " + response.status() + ", "
                            + user.map(c -> c.isIdentityToken() ? "the token server refused the identity token"
                                    : "the token server refused the credentials of user " + c.username())
                            .orElse("anonymous access refused; give credentials for this registry"),
                            response.status(), ErrorCode.UNAUTHORIZED);
                }
                if (response.status() != 200) {
                    throw RegistryErrors.fromResponse(operation, response);
                }
                JsonNode json;
                try {
                    json = JSON.readTree(response.readBody(1 << 20));
                } catch (JsonProcessingException notJson) {
                    // the parser's message would quote the answer, which may be a token
                    throw new PermanentRegistryException(operation + ": the token answer is not JSON", 200,
                            ErrorCode.UNAUTHORIZED);
                }
                String value = json.path("token").asText("");
                if (value.isEmpty()) {
                    value = json.path("access_token").asText("");
                }
                if (value.isEmpty()) {
                    throw new PermanentRegistryException(operation + ": the answer holds no token", 200,
                            ErrorCode.UNAUTHORIZED);
                }
                long expiresIn = json.path("expires_in").asLong(DEFAULT_EXPIRES_IN_SECONDS);
                return new BearerToken(value, now, now.plusSeconds(expiresIn > 0 ? expiresIn : DEFAULT_EXPIRES_IN_SECONDS));
            } catch (IOException e) {
                throw RegistryErrors.fromIo(operation, e);
            }
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String hostOf(String realm) {
        try {
            return URI.create(realm).getAuthority();
        } catch (IllegalArgumentException e) {
            return "an invalid realm";
        }
    }
}

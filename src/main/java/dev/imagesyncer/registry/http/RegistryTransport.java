package dev.imagesyncer.registry.http;

import dev.imagesyncer.registry.ErrorCode;
import dev.imagesyncer.registry.PermanentRegistryException;
import dev.imagesyncer.registry.RegistryClientSettings;
import dev.imagesyncer.registry.Repository;
import dev.imagesyncer.registry.TransientRegistryException;
import dev.imagesyncer.registry.auth.AuthChallenge;
import dev.imagesyncer.registry.auth.CredentialSource;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.cookie.CookieSpecFactory;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.config.RegistryBuilder;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends registry calls over one pooled Apache HttpClient shared by the whole run. It owns what every call needs:
 * choosing https (or http for an insecure registry that has no TLS), answering auth challenges, and following
 * redirects by hand so that {@code Authorization} never leaves the registry's origin.
 */
public final class RegistryTransport implements Closeable {

    /** A dry run's client: only GET and HEAD reach a registry. */
    private volatile boolean readOnly;

    private static final Logger LOG = LoggerFactory.getLogger(RegistryTransport.class);
    private static final int MAX_REDIRECTS = 10;
    private static final Timeout PROBE_TIMEOUT = Timeout.ofSeconds(10);

    private final RegistryClientSettings settings;
    private final CloseableHttpClient http;
    private final Authenticator authenticator;
    private final Map<String, URI> baseUris = new ConcurrentHashMap<>();
    private final HostBackoff backoff = new HostBackoff();

    public RegistryTransport(RegistryClientSettings settings, CredentialSource credentials) {
        this(settings, credentials, System.getenv(), Clock.systemUTC());
    }

    RegistryTransport(RegistryClientSettings settings, CredentialSource credentials, Map<String, String> environment,
                      Clock clock) {
        this.settings = settings;
        PoolingHttpClientConnectionManager pool = PoolingHttpClientConnectionManagerBuilder.create()
                .setTlsSocketStrategy(new HostTlsStrategy(settings.caFiles(), settings::isInsecure,
                        settings.registryCaFile()))
                .setMaxConnTotal(settings.maxConnections())
                .setMaxConnPerRoute(settings.maxConnectionsPerHost())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(settings.connectTimeout()))
                        .setSocketTimeout(Timeout.of(settings.readTimeout()))
                        .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                        .build())
                .build();
        this.http = HttpClients.custom()
                .setConnectionManager(pool)
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(Timeout.of(settings.connectTimeout())).build())
                .setRoutePlanner(new EnvironmentProxyPlanner(environment))
                .setUserAgent(settings.userAgent())
                .disableRedirectHandling()
                .setRetryStrategy(new StaleConnectionRetry())
                .disableContentCompression()
                .disableCookieManagement()
                // without cookies no cookie specs: the default registry would load and parse the public suffix
                // list (20 ms) at every start; verified TLS still loads it, for host name checks, when it connects
                .setDefaultCookieSpecRegistry(RegistryBuilder.<CookieSpecFactory>create().build())
                .disableAuthCaching()
                .build();
        this.authenticator = new Authenticator(credentials, new TokenEndpoint(), clock, settings::isInsecure);
    }

    /**
     * Sends a call and returns the answer, whatever its status; the caller checks the status and closes it.
     * A 401 is answered once (from the challenge); GET and HEAD follow redirects.
     *
     * @throws dev.imagesyncer.registry.RegistryException when no answer arrives, or the auth or redirects fail
     */
    /** From now on, every request but GET and HEAD is refused (a dry run). Token requests are not affected. */
    public void refuseWrites() {
        readOnly = true;
    }

    public RegistryResponse send(RegistryRequest request) {
        if (readOnly && !request.method().equals("GET") && !request.method().equals("HEAD")) {
            throw new PermanentRegistryException(request.operation() + ": refused, this is a dry run (nothing is "
                    + "written to a registry); routes edited before --dry-run existed lack its filter in copy-image",
                    0, ErrorCode.DENIED);
        }
        URI base = baseUri(request.repository());
        URI uri = base.resolve(request.target());
        String authorization = authenticator.authorizationFor(request.repository(), request.scopes()).orElse(null);
        boolean answeredChallenge = false;
        boolean followRedirects = request.method().equals("GET") || request.method().equals("HEAD");
        for (int hops = 0; ; ) {
            boolean sameOrigin = sameOrigin(base, uri);
            RegistryResponse response = execute(request, uri, sameOrigin ? authorization : null);
            int status = response.status();
            if (status == 401 && sameOrigin && !answeredChallenge) {
                if (!request.isReplayable()) {
                    // a body that cannot be sent again: most likely a token that expired mid-upload. A new token
                    // is fetched now, and the upload resumes in its session with it (ResumePolicy)
                    Optional<String> header = response.header("WWW-Authenticate");
                    response.abort();
                    answerChallenge(request, header, authorization);
                    throw new TransientRegistryException(request.operation()
                            + ": HTTP 401 while sending content (a token that expired?); a new token is fetched for "
                            + "the retry", 401, ErrorCode.UNAUTHORIZED, null, null);
                }
                Optional<String> retryWith;
                try {
                    retryWith = answerChallenge(request, response.header("WWW-Authenticate"), authorization);
                } catch (RuntimeException e) {
                    response.close();
                    throw e;
                }
                if (retryWith.isPresent()) {
                    response.close();
                    authorization = retryWith.get();
                    answeredChallenge = true;
                    continue;
                }
                return response;
            }
            if (followRedirects && isRedirect(status)) {
                Optional<String> location = response.header("Location");
                response.close();
                if (++hops > MAX_REDIRECTS) {
                    throw new PermanentRegistryException(request.operation() + ": more than " + MAX_REDIRECTS
                            + " redirects (a redirect loop?)", status, ErrorCode.UNKNOWN);
                }
                uri = redirectTarget(request, status, location, uri);
                continue;
            }
            return response;
        }
    }

    private Optional<String> answerChallenge(RegistryRequest request, Optional<String> header, String refused) {
        return header.flatMap(AuthChallenge::parse)
                .flatMap(challenge -> authenticator.answer(request.repository(), challenge, request.scopes(), refused));
    }

    private RegistryResponse execute(RegistryRequest request, URI uri, String authorization) {
        ClassicRequestBuilder builder = ClassicRequestBuilder.create(request.method()).setUri(uri);
        request.headers().forEach(builder::addHeader);
        if (authorization != null) {
            builder.addHeader("Authorization", authorization);
        }
        if (request.body() != null) {
            builder.setEntity(request.body());
        }
        ClassicHttpRequest httpRequest = builder.build();
        backoff.await(uri.getAuthority());
        try {
            ClassicHttpResponse response = http.executeOpen(null, httpRequest, null);
            LOG.debug("{} {}{} -> {}", request.method(), uri.getAuthority(), uri.getPath(), response.getCode());
            RegistryResponse answer = new RegistryResponse(response, uri);
            if (response.getCode() == 429 || response.getCode() == 503) {
                answer.header("Retry-After").map(RegistryErrors::parseRetryAfter)
                        .ifPresent(wait -> backoff.pause(uri.getAuthority(), wait));
            }
            return answer;
        } catch (IOException e) {
            throw RegistryErrors.fromIo(request.operation(), e);
        }
    }

    private static URI redirectTarget(RegistryRequest request, int status, Optional<String> location, URI from) {
        if (location.isEmpty()) {
            throw new PermanentRegistryException(request.operation() + ": redirect without a Location", status,
                    ErrorCode.UNKNOWN);
        }
        URI next;
        try {
            next = from.resolve(location.get());
        } catch (IllegalArgumentException e) {
            throw new PermanentRegistryException(request.operation() + ": redirect to an invalid Location", status,
                    ErrorCode.UNKNOWN);
        }
        if ("https".equals(from.getScheme()) && !"https".equals(next.getScheme())) {
            throw new PermanentRegistryException(request.operation() + ": refusing a redirect from https to "
                    + next.getScheme(), status, ErrorCode.UNKNOWN);
        }
        return next;
    }

    /**
     * https, unless the registry is insecure and answers the registry API over plain http: then http, as
     * image-syncer allows. Probing http first keeps this fast, since a plain-http server may never answer a
     * TLS handshake. Decided once per registry.
     */
    private URI baseUri(Repository repository) {
        String host = repository.apiHost();
        return baseUris.computeIfAbsent(host, h -> {
            URI https = URI.create("https://" + h + "/");
            if (!settings.isInsecure(repository.registry())) {
                return https;
            }
            HttpGet ping = new HttpGet("http://" + h + "/v2/");
            ping.setConfig(RequestConfig.custom().setResponseTimeout(PROBE_TIMEOUT).build());
            try (ClassicHttpResponse response = http.executeOpen(null, ping, null)) {
                if (response.getCode() == 200 || response.getCode() == 401) {
                    LOG.debug("{} answers over plain http ({})", h, response.getCode());
                    return URI.create("http://" + h + "/");
                }
            } catch (IOException noPlainHttp) {
                LOG.debug("{} has no plain http ({})", h, noPlainHttp.getClass().getSimpleName());
            }
            return https;
        });
    }

    /** Token realms, asked on the shared client but outside the auth loop of {@link #send}. */
    private final class TokenEndpoint implements Authenticator.TokenRequestSender {

        @Override
        public RegistryResponse get(URI uri, Optional<String> authorization) throws IOException {
            ClassicRequestBuilder builder = ClassicRequestBuilder.get(uri);
            authorization.ifPresent(value -> builder.addHeader("Authorization", value));
            return execute(builder, uri);
        }

        @Override
        public RegistryResponse post(URI uri, String form) throws IOException {
            return execute(ClassicRequestBuilder.post(uri)
                    .setEntity(new StringEntity(form, ContentType.APPLICATION_FORM_URLENCODED)), uri);
        }

        private RegistryResponse execute(ClassicRequestBuilder builder, URI uri) throws IOException {
            return new RegistryResponse(http.executeOpen(null, builder.build(), null), uri);
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static boolean sameOrigin(URI a, URI b) {
        return Objects.equals(a.getScheme(), b.getScheme()) && Objects.equals(a.getHost(), b.getHost())
                && effectivePort(a) == effectivePort(b);
    }

    private static int effectivePort(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : ("https".equals(uri.getScheme()) ? 443 : 80);
    }

    @Override
    public void close() throws IOException {
        http.close();
    }
}

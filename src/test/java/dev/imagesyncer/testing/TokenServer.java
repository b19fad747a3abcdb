package dev.imagesyncer.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Docker registry token server ("token authentication specification") in the JVM, for registries started by
 * {@link RegistryExtension#tokenAuth()}.
 *
 * <p>{@code GET /token?service=S&scope=A&scope=B} (each {@code scope} value may also hold several scopes
 * separated by spaces) answers 200 with {@code {"token","access_token","expires_in","issued_at"}}: an RS256 JWT
 * whose header carries the signing certificate as {@code x5c}, whose claims are {@code iss}, {@code sub} (the
 * user, or {@code "anonymous"}), {@code aud} (the service, a string), {@code exp}, {@code nbf}, {@code iat},
 * {@code jti} and {@code access}: one entry per requested scope with the requested actions minus those denied
 * with {@link #denyAction(String, String)}. The OAuth2 form {@code POST /token} with
 * {@code grant_type=password} is accepted too, and with {@code grant_type=refresh_token} for the identity tokens
 * added with {@link #addIdentityToken}.
 *
 * <p>Credentials: HTTP Basic is checked against the users added with {@link #addUser}; an unknown user or a
 * wrong password gets 401. A request without credentials is anonymous and gets a token unless
 * {@link #requireCredentials(boolean)} is on (then 401). A {@code service} other than {@link #service()} gets 400.
 *
 * <p>Every request is recorded (before the credential check) in {@link #requests()}. Thread-safe; settings may
 * change while the server runs.
 */
public final class TokenServer implements AutoCloseable {

    /**
     * One request to the token endpoint.
     *
     * @param username the user name the client presented, null if it sent no credentials (anonymous)
     * @param scopes   the requested scopes exactly as sent, e.g. {@code "repository:lab/a:pull,push"}
     */
    public record TokenRequest(String username, Set<String> scopes) {
    }

    private static final Pattern ACCESS_ENTRY = Pattern.compile(
            "\\{\"type\":\"([^\"]*)\",\"name\":\"([^\"]*)\",\"actions\":\\[([^\\]]*)]}");

    private final String service;
    private final String issuer;
    private final TestCertificates.KeyAndCertificate signer = TestCertificates.tokenSigner();
    private final Map<String, String> users = new ConcurrentHashMap<>();
    private final Map<String, String> identityTokens = new ConcurrentHashMap<>();
    private final Set<String> denied = ConcurrentHashMap.newKeySet();
    private final List<TokenRequest> requests = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean requireCredentials;
    private volatile int expiresInSeconds = 300;
    private HttpServer server;
    private ExecutorService executor;

    /**
     * A token server (not started) for registries configured with {@code service} and {@code issuer}.
     */
    public TokenServer(String service, String issuer) {
        this.service = service;
        this.issuer = issuer;
    }

    /** Starts listening on 127.0.0.1 at a free port; returns this. */
    public synchronized TokenServer start() {
        if (server != null) {
            return this;
        }
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        executor = Executors.newCachedThreadPool(TestHttp.daemonThreads("token-server"));
        server.setExecutor(executor);
        server.createContext("/token", this::handle);
        server.start();
        return this;
    }

    /** Stops the server. */
    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
    }

    /** The token endpoint, {@code http://127.0.0.1:PORT/token}: the {@code realm} of the registry's challenge. */
    public synchronized URI realm() {
        if (server == null) {
            throw new IllegalStateException("token server not started");
        }
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/token");
    }

    /** The service name: the registry's {@code auth.token.service} and the tokens' {@code aud}. */
    public String service() {
        return service;
    }

    /** The issuer: the registry's {@code auth.token.issuer} and the tokens' {@code iss}. */
    public String issuer() {
        return issuer;
    }

    /**
     * Accepts {@code refreshToken} in {@code POST /token} with {@code grant_type=refresh_token}, as the identity
     * token of {@code username} (what a credential helper gives with the user name {@code <token>}); returns this.
     */
    public TokenServer addIdentityToken(String refreshToken, String username) {
        identityTokens.put(refreshToken, username);
        return this;
    }

    /** Accepts {@code username}/{@code password} as HTTP Basic credentials; returns this. */
    public TokenServer addUser(String username, String password) {
        users.put(username, password);
        return this;
    }

    /** When true, a request without credentials gets 401 instead of an anonymous token; returns this. */
    public TokenServer requireCredentials(boolean required) {
        this.requireCredentials = required;
        return this;
    }

    /** Lifetime of the tokens issued from now on ({@code exp - iat} and {@code expires_in}); returns this. */
    public TokenServer expiresInSeconds(int seconds) {
        this.expiresInSeconds = seconds;
        return this;
    }

    /**
     * From now on, never grant {@code action} ({@code pull}, {@code push}, {@code delete}, {@code *}) on
     * {@code repository} ({@code "*"} for every repository): the token is still issued, with less access than
     * asked, and the registry answers 401 {@code insufficient_scope} when it is used for that action.
     */
    public TokenServer denyAction(String repository, String action) {
        denied.add(repository + " " + action);
        return this;
    }

    /** Forgets every {@link #denyAction} rule. */
    public void clearDenials() {
        denied.clear();
    }

    /** A snapshot of the requests received so far, oldest first. */
    public List<TokenRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Forgets the recorded requests. */
    public void clearRequests() {
        requests.clear();
    }

    /** The signing certificate as PEM: the registry's {@code auth.token.rootcertbundle}. */
    public String certificatePem() {
        return signer.certificatePem();
    }

    /**
     * Signs a token for {@code scopes} (e.g. {@code "repository:lab/a:pull,push"}) with subject
     * {@code "harness"}, ignoring denials and without recording a request: for seeding and checks.
     */
    public String mintToken(Set<String> scopes) {
        return sign("harness", accessEntries(scopes, false), expiresInSeconds);
    }

    /**
     * Reads the {@code access} claim of a token issued by any TokenServer back as scopes, one per entry, e.g.
     * {@code "repository:lab/a:pull,push"} (an entry whose actions were all denied reads {@code "repository:lab/a:"}).
     */
    public static Set<String> grantedScopes(String token) {
        String[] parts = token.split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        Set<String> scopes = new LinkedHashSet<>();
        Matcher entry = ACCESS_ENTRY.matcher(claims);
        while (entry.find()) {
            scopes.add(entry.group(1) + ":" + entry.group(2) + ":" + entry.group(3).replace("\"", ""));
        }
        return scopes;
    }

    /** Reads the claims of a token as JSON text (no signature check). */
    public static String claimsJson(String token) {
        return new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, List<String>> params = new LinkedHashMap<>();
            addParams(params, exchange.getRequestURI().getRawQuery());
            String username = null;
            String password = null;
            if ("POST".equals(exchange.getRequestMethod())) {
                addParams(params, new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                if ("password".equals(first(params, "grant_type"))) {
                    username = first(params, "username");
                    password = first(params, "password");
                } else if ("refresh_token".equals(first(params, "grant_type"))) {
                    username = identityTokens.get(String.valueOf(first(params, "refresh_token")));
                    if (username == null) {
                        requests.add(new TokenRequest("<unknown identity token>", Set.of()));
                        reply(exchange, 401, error("UNAUTHORIZED", "invalid refresh token"));
                        return;
                    }
                    password = users.get(username);
                }
            } else if (!"GET".equals(exchange.getRequestMethod())) {
                reply(exchange, 405, error("UNSUPPORTED", "method not allowed"));
                return;
            }
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
                String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                        StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                username = colon < 0 ? decoded : decoded.substring(0, colon);
                password = colon < 0 ? "" : decoded.substring(colon + 1);
            }
            Set<String> scopes = new LinkedHashSet<>();
            for (String value : params.getOrDefault("scope", List.of())) {
                for (String scope : value.split(" ")) {
                    if (!scope.isEmpty()) {
                        scopes.add(scope);
                    }
                }
            }
            requests.add(new TokenRequest(username, Collections.unmodifiableSet(scopes)));

            if (username != null ? !password.equals(users.get(username)) : requireCredentials) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"token server\"");
                reply(exchange, 401, error("UNAUTHORIZED", username == null ? "authentication required"
                        : "invalid username or password"));
                return;
            }
            String requestedService = first(params, "service");
            if (requestedService != null && !requestedService.equals(service)) {
                reply(exchange, 400, error("INVALID_REQUEST", "unknown service " + requestedService));
                return;
            }
            int lifetime = expiresInSeconds;
            String token = sign(username == null ? "anonymous" : username, accessEntries(scopes, true), lifetime);
            reply(exchange, 200, "{\"token\":\"" + token + "\",\"access_token\":\"" + token
                    + "\",\"expires_in\":" + lifetime + ",\"issued_at\":\""
                    + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "\"}");
        }
    }

    private List<String> accessEntries(Set<String> scopes, boolean applyDenials) {
        List<String> entries = new ArrayList<>();
        for (String scope : scopes) {
            int first = scope.indexOf(':');
            int last = scope.lastIndexOf(':');
            if (first < 0 || first == last) {
                continue;
            }
            String type = scope.substring(0, first);
            String name = scope.substring(first + 1, last);
            List<String> actions = new ArrayList<>();
            for (String action : scope.substring(last + 1).split(",")) {
                boolean refused = applyDenials && "repository".equals(type)
                        && (denied.contains(name + " " + action) || denied.contains("* " + action));
                if (!action.isEmpty() && !refused && !actions.contains(action)) {
                    actions.add(action);
                }
            }
            entries.add("{\"type\":" + Json.quote(type) + ",\"name\":" + Json.quote(name) + ",\"actions\":"
                    + Json.stringArray(actions) + "}");
        }
        return entries;
    }

    private String sign(String subject, List<String> accessEntries, int lifetimeSeconds) {
        Base64.Encoder b64u = Base64.getUrlEncoder().withoutPadding();
        long now = Instant.now().getEpochSecond();
        try {
            String header = "{\"typ\":\"JWT\",\"alg\":\"RS256\",\"x5c\":[\""
                    + Base64.getEncoder().encodeToString(signer.certificate().getEncoded()) + "\"]}";
            String claims = "{\"iss\":" + Json.quote(issuer) + ",\"sub\":" + Json.quote(subject)
                    + ",\"aud\":" + Json.quote(service) + ",\"exp\":" + (now + lifetimeSeconds)
                    + ",\"nbf\":" + (now - 10) + ",\"iat\":" + now
                    + ",\"jti\":\"" + UUID.randomUUID().toString().replace("-", "") + "\""
                    + ",\"access\":[" + String.join(",", accessEntries) + "]}";
            String signingInput = b64u.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                    + b64u.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(signer.privateKey());
            rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + b64u.encodeToString(rs256.sign());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
    }

    private static void addParams(Map<String, List<String>> params, String raw) {
        if (raw == null || raw.isEmpty()) {
            return;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
    }

    private static String first(Map<String, List<String>> params, String key) {
        List<String> values = params.get(key);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static String error(String code, String message) {
        return "{\"errors\":[{\"code\":" + Json.quote(code) + ",\"message\":" + Json.quote(message) + "}]}";
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    /** Writes {@link #certificatePem()} to {@code file}; returns the file. */
    public Path writeCertificateBundle(Path file) {
        try {
            return Files.writeString(file, certificatePem());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

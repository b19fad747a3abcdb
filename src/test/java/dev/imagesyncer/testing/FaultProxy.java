package dev.imagesyncer.testing;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * An HTTP/1.1 proxy on raw sockets, in front of a plain-HTTP test registry, that breaks requests the way networks
 * and overloaded registries do: TCP resets before the response and in the middle of a body, stalled and truncated
 * bodies, flipped bytes, 5xx and 429 answers. The JDK {@code HttpServer} behind {@link RegistryFront} cannot
 * reset a connection or send fewer bytes than it announced; this proxy can.
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.in(registry, 42).rate(0.15)) {
 *     ... point the code under test at proxy.baseUri() ...
 *     assertThat(proxy.injected()).containsKey(Fault.RESET_IN_BODY);
 * }
 * }</pre>
 *
 * <p>Faults come from rules ({@link #inject}: the next N matching requests) and, for requests no rule takes, from
 * a seeded chance ({@link #rate}, among {@link #kinds}): with one client sending requests one after another, the
 * same seed gives the same faults. {@link #injected()} counts the faults actually delivered.
 *
 * <p>Forwarding: it listens on 127.0.0.1 (free port), opens one backend connection per client connection, keeps
 * both alive across requests, and streams bodies in both directions with a 64 KiB buffer, never holding a whole
 * blob: request bodies framed by {@code Content-Length} or chunked (passed on as chunked), responses framed by
 * {@code Content-Length}, chunked or the end of the connection; HEAD, 1xx, 204 and 304 answers have no body.
 * {@code Host} is set to the backend's and an absolute {@code Location} pointing at the backend is rewritten to
 * point at the proxy. {@code Expect: 100-continue} is not forwarded: the proxy answers {@code 100 Continue} at
 * once itself, even to a request it will fault, so a fault always comes after the whole request. Credentials are
 * the backend's ({@link #username()}, {@link #tokenServer()}), so {@link RegistrySeeder} and {@link Skopeo} work
 * through it; a TLS handshake gets an immediate {@code 400}, so skopeo falls back to HTTP at once (see
 * {@link TlsRefusingRelay}).
 *
 * <p>Beyond faults, it can slow uploads down ({@link #throttleRequestBodies}), hold each request body until it
 * has arrived whole, as a registry that keeps only whole chunks does ({@link #wholeRequestBodies}), and refuse
 * bearer tokens past their {@code exp} with a 401 and a fresh challenge ({@link #rejectExpiredTokens}), which
 * distribution 2.8 accepts for 60 s more.
 *
 * <p>Limits: a request body is sent whole before the backend's answer is read (a backend that answers early and
 * stops reading breaks the connection); a backend connection that failed is not retried. Thread-safe.
 */
public final class FaultProxy implements PlainHttpFront, AutoCloseable {

    /**
     * What can happen to one request. The body faults ({@link #RESET_IN_BODY}, {@link #STALL_IN_BODY},
     * {@link #TRUNCATED_BODY}, {@link #WRONG_BYTES}) apply only to GET requests whose answer has a
     * {@code Content-Length} of at least 2 bytes; any other answer to a request picked for one is forwarded
     * untouched, and is not counted in {@link #injected()}.
     */
    public enum Fault {
        /**
         * The request is read, body included, not forwarded, and the connection is reset (TCP RST) before any
         * response byte. Note: the JDK's {@code HttpClient} and {@code HttpURLConnection} both send a GET or HEAD
         * again, once, after such a reset (measured on JDK 17), so it takes two to fail one of those.
         */
        RESET_BEFORE_RESPONSE(null, false),
        /** Forwarded; status, headers and half the body reach the client, then the connection is reset. */
        RESET_IN_BODY(null, true),
        /** {@code 500} with a registry-style JSON error body ({@code UNAVAILABLE}), not forwarded. */
        STATUS_500("500 Internal Server Error", false),
        /** {@code 502} with a registry-style JSON error body ({@code UNAVAILABLE}), not forwarded. */
        STATUS_502("502 Bad Gateway", false),
        /** {@code 503} with a registry-style JSON error body ({@code UNAVAILABLE}), not forwarded. */
        STATUS_503("503 Service Unavailable", false),
        /** {@code 429} with {@code Retry-After: 1} and a JSON error body ({@code TOOMANYREQUESTS}), not forwarded. */
        TOO_MANY_REQUESTS_SECONDS("429 Too Many Requests", false),
        /** As {@link #TOO_MANY_REQUESTS_SECONDS}, with {@code Retry-After} an HTTP-date 1 to 2 s ahead. */
        TOO_MANY_REQUESTS_DATE("429 Too Many Requests", false),
        /**
         * Forwarded; status, headers and half the body reach the client, then nothing more for
         * {@link #stallMillis(long)} (or until the proxy closes), then the connection closes normally.
         */
        STALL_IN_BODY(null, true),
        /** Forwarded; status, headers and half the body reach the client, then the connection closes normally. */
        TRUNCATED_BODY(null, true),
        /** Forwarded whole, with the right length, but the byte in the middle of the body is flipped. */
        WRONG_BYTES(null, true),
        /**
         * {@code 500} with the error body distribution sends when its disk is full (the storage driver's "no space
         * left on device" in the detail), not forwarded. Never drawn by {@link #rate} unless named in {@link #kinds}.
         */
        DISK_FULL("500 Internal Server Error", false),
        /**
         * {@code 401} with the backend's token challenge ({@code error="invalid_token"}), as to a token that expired,
         * not forwarded; needs a backend with a token server. Never drawn by {@link #rate}.
         */
        TOKEN_REFUSED("401 Unauthorized", false);

        private final String status; // code and reason of the answer, null for a fault that answers none
        private final boolean inBody;

        Fault(String status, boolean inBody) {
            this.status = status;
            this.inBody = inBody;
        }
    }

    /**
     * One request as the proxy handled it, in arrival order.
     *
     * @param method HTTP method
     * @param path   raw path without the query, e.g. {@code /v2/lab/a/blobs/sha256:...}
     * @param fault  the fault injected, null when the request was forwarded untouched
     */
    public record LoggedRequest(String method, String path, Fault fault) {
    }

    private static final int BUFFER_SIZE = 64 * 1024;
    private static final int MAX_LINE = 64 * 1024;
    private static final long DEFAULT_STALL_MILLIS = 30_000;
    private static final int TLS_HANDSHAKE_RECORD = 0x16;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] BAD_REQUEST = ("HTTP/1.0 400 Bad Request\r\nContent-Length: 0\r\n"
            + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final RegistryEndpoint backend;
    private final ServerSocket listener;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicInteger requests = new AtomicInteger();
    private final List<LoggedRequest> log = Collections.synchronizedList(new ArrayList<>());
    private volatile long stallMillis = DEFAULT_STALL_MILLIS;

    // decisions: guarded by this, so that one sequence of requests draws one sequence of random numbers
    private final Random random;
    private final List<Rule> rules = new ArrayList<>();
    private final Map<Fault, Integer> injected = new EnumMap<>(Fault.class);
    private Set<Fault> kinds = EnumSet.complementOf(EnumSet.of(Fault.DISK_FULL, Fault.TOKEN_REFUSED));
    private double rate;
    private volatile long requestBytesPerSecond;
    private volatile boolean wholeRequestBodies;
    private volatile boolean rejectExpiredTokens;
    private final AtomicInteger expiredTokensRefused = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong requestBodyBytes = new java.util.concurrent.atomic.AtomicLong();

    private FaultProxy(RegistryEndpoint backend, long seed) throws IOException {
        this.backend = backend;
        this.random = new Random(seed);
        this.listener = new ServerSocket(0, 100, InetAddress.getByName("127.0.0.1"));
    }

    /**
     * Starts a proxy for {@code backend} (a running plain-HTTP registry) on a free port of 127.0.0.1, injecting
     * nothing until told to; {@code seed} drives {@link #rate(double)}.
     */
    public static FaultProxy in(RegistryEndpoint backend, long seed) {
        if (backend.isTls()) {
            throw new IllegalArgumentException("FaultProxy speaks plain HTTP to its backend, not to " + backend);
        }
        try {
            FaultProxy proxy = new FaultProxy(backend, seed);
            Thread acceptor = new Thread(proxy::acceptLoop, "fault-proxy-" + proxy.listener.getLocalPort());
            acceptor.setDaemon(true);
            acceptor.start();
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops listening, ends stalls and closes every connection, client and backend. */
    @Override
    public void close() {
        closed.countDown();
        closeQuietly(listener);
        open.forEach(FaultProxy::closeQuietly);
    }

    // ---------------------------------------------------------------- what to inject

    /**
     * Each request that no rule takes gets a fault with probability {@code p} (0 to 1), of a kind drawn
     * uniformly among the enabled {@link #kinds} that apply to it (body faults only to GET requests); a request
     * to which none applies is forwarded untouched.
     */
    public synchronized FaultProxy rate(double p) {
        if (p < 0 || p > 1) {
            throw new IllegalArgumentException("rate must be between 0 and 1: " + p);
        }
        this.rate = p;
        return this;
    }

    /** Restricts the kinds {@link #rate(double)} draws from (all of them by default). */
    public synchronized FaultProxy kinds(Fault... enabled) {
        this.kinds = enabled.length == 0 ? EnumSet.noneOf(Fault.class) : EnumSet.copyOf(List.of(enabled));
        return this;
    }

    /**
     * The next {@code count} requests whose {@code "METHOD PATH"} (raw path, no query) or {@code "METHOD PATH?QUERY"}
     * matches {@code methodAndPathRegex}, e.g. {@code "GET /v2/.+/blobs/.*"}, get {@code fault}. Rules are checked in the
     * order they were added and before the random {@link #rate}; a rule with a body fault skips requests other
     * than GET.
     */
    public synchronized FaultProxy inject(Fault fault, String methodAndPathRegex, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1: " + count);
        }
        rules.add(new Rule(fault, Pattern.compile(methodAndPathRegex), count));
        return this;
    }

    /** How long {@link Fault#STALL_IN_BODY} holds a half-sent body before closing (30 s by default). */
    public FaultProxy stallMillis(long ms) {
        this.stallMillis = ms;
        return this;
    }

    /** Drops every rule and sets the rate to 0; the kinds, the counts, the log and the throttle stay. */
    public synchronized FaultProxy reset() {
        rules.clear();
        rate = 0;
        return this;
    }

    /** Reads request bodies from clients at most this fast (bytes per second; 0, the default: as fast as they come). */
    public FaultProxy throttleRequestBodies(long bytesPerSecond) {
        this.requestBytesPerSecond = bytesPerSecond;
        return this;
    }

    /**
     * Holds each request body until it has arrived whole, then forwards the request if its client is still there
     * to hear the answer: a client killed in the middle of a PATCH leaves the backend untouched, as a registry
     * that keeps only whole chunks would. (The bytes a killed process had written still arrive, then its FIN: a
     * PATCH cut off by {@code kill -9} often arrives whole, answered to nobody.)
     */
    public FaultProxy wholeRequestBodies() {
        this.wholeRequestBodies = true;
        return this;
    }

    /**
     * Answers 401, with the challenge the backend's token server would give, to any request whose bearer token is
     * past its {@code exp} (the backend, distribution 2.8, accepts such tokens for 60 s more).
     */
    public FaultProxy rejectExpiredTokens() {
        if (backend.tokenServer() == null) {
            throw new IllegalStateException("the backend has no token server: " + backend);
        }
        this.rejectExpiredTokens = true;
        return this;
    }

    /** Request body bytes forwarded to the backend so far (uploads, mostly). */
    public long requestBodyBytes() {
        return requestBodyBytes.get();
    }

    /** How many requests {@link #rejectExpiredTokens} refused. */
    public int expiredTokensRefused() {
        return expiredTokensRefused.get();
    }

    // ---------------------------------------------------------------- records

    /** The faults delivered so far and how many of each; kinds never delivered are absent. */
    public synchronized Map<Fault, Integer> injected() {
        return Collections.unmodifiableMap(new EnumMap<>(injected));
    }

    /** How many requests reached the proxy so far, faulted or not. */
    public int requests() {
        return requests.get();
    }

    /** Every request handled so far, oldest first, with the fault it got. */
    public List<LoggedRequest> requestLog() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    // ---------------------------------------------------------------- RegistryEndpoint

    @Override
    public String host() {
        return "127.0.0.1:" + listener.getLocalPort();
    }

    @Override
    public RegistryEndpoint backend() {
        return backend;
    }

    @Override
    public String toString() {
        return "FaultProxy[" + baseUri() + " -> " + backend.baseUri() + "]";
    }

    // ---------------------------------------------------------------- decisions

    /** The fault for a request, from the first matching rule or else from the dice; null for none. */
    private synchronized Fault decide(String method, String path, String target) {
        boolean bodyExpected = "GET".equals(method);
        String methodAndPath = method + " " + path;
        for (Iterator<Rule> it = rules.iterator(); it.hasNext(); ) {
            Rule rule = it.next();
            if ((bodyExpected || !rule.fault.inBody) && (rule.pattern.matcher(methodAndPath).matches()
                    || rule.pattern.matcher(method + " " + target).matches())) {
                if (--rule.remaining == 0) {
                    it.remove();
                }
                return rule.fault;
            }
        }
        if (rate == 0 || random.nextDouble() >= rate) {
            return null;
        }
        List<Fault> candidates = new ArrayList<>();
        for (Fault kind : kinds) {
            if (bodyExpected || !kind.inBody) {
                candidates.add(kind);
            }
        }
        return candidates.isEmpty() ? null : candidates.get(random.nextInt(candidates.size()));
    }

    /** Logs a handled request; {@code fault} (null for none) was delivered. */
    private void record(String method, String path, Fault fault) {
        if (fault != null) {
            synchronized (this) {
                injected.merge(fault, 1, Integer::sum);
            }
        }
        log.add(new LoggedRequest(method, path, fault));
    }

    // ---------------------------------------------------------------- connections

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                open.add(client);
                Thread thread = new Thread(() -> new Connection(client).run(), "fault-proxy-connection");
                thread.setDaemon(true);
                thread.start();
            } catch (IOException e) {
                // the listener was closed
            }
        }
    }

    /** One client connection and the backend connection it uses, serving requests one after another. */
    private final class Connection {
        private final Socket client;
        private InputStream clientIn;
        private OutputStream clientOut;
        private Socket upstream;
        private InputStream upstreamIn;
        private OutputStream upstreamOut;

        Connection(Socket client) {
            this.client = client;
        }

        void run() {
            try {
                client.setTcpNoDelay(true);
                clientIn = new BufferedInputStream(client.getInputStream(), BUFFER_SIZE);
                clientOut = new BufferedOutputStream(client.getOutputStream(), BUFFER_SIZE);
                if (startsWithTlsHandshake()) {
                    clientOut.write(BAD_REQUEST);
                    clientOut.flush();
                    return;
                }
                while (exchange()) {
                    // next request on this connection
                }
            } catch (IOException | RuntimeException e) {
                // client or backend went away, or spoke nonsense: drop both connections
            } finally {
                closeQuietly(client);
                open.remove(client);
                closeUpstream();
            }
        }

        private boolean startsWithTlsHandshake() throws IOException {
            clientIn.mark(1);
            int first = clientIn.read();
            clientIn.reset();
            return first == TLS_HANDSHAKE_RECORD;
        }

        /** Serves one request; true when the client connection stays open for the next. */
        private boolean exchange() throws IOException {
            Head request = Head.read(clientIn);
            if (request == null) {
                return false; // the client closed between requests
            }
            String[] requestLine = request.startLine.split(" ");
            if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
                clientOut.write(BAD_REQUEST);
                clientOut.flush();
                return false;
            }
            String method = requestLine[0];
            String target = requestLine[1];
            String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
            boolean keepAlive = "HTTP/1.1".equals(requestLine[2]) ? !request.hasToken("Connection", "close")
                    : request.hasToken("Connection", "keep-alive");
            requests.incrementAndGet();
            if (request.hasBody() && "100-continue".equalsIgnoreCase(request.get("Expect"))) {
                // whatever comes next: a final status instead hangs JDK 17's HttpClient, request timeout and all
                clientOut.write(CONTINUE);
                clientOut.flush();
            }

            if (rejectExpiredTokens && hasExpiredToken(request)) {
                expiredTokensRefused.incrementAndGet();
                record(method, path, null);
                return refuseToken(method, path, request, keepAlive);
            }
            Fault fault = decide(method, path, target);
            if (fault == Fault.TOKEN_REFUSED) {
                record(method, path, fault);
                return refuseToken(method, path, request, keepAlive);
            }
            if (fault != null && !fault.inBody) {
                record(method, path, fault);
                return injectWithoutForwarding(fault, method, request, keepAlive);
            }
            forwardRequest(method, target, request);
            return relayResponse(method, path, fault, keepAlive);
        }

        /**
         * Passes the backend's answer on, spoiling its body with {@code fault} (a body fault, or null) when it has
         * one to spoil; true when the client connection stays open for the next request.
         */
        private boolean relayResponse(String method, String path, Fault fault, boolean keepAlive)
                throws IOException {
            Head response = readFinalResponse();
            int status = response.status();
            boolean hasBody = !"HEAD".equals(method) && status != 204 && status != 304;
            boolean chunked = hasBody && response.isChunked();
            long length = hasBody && !chunked ? response.contentLength() : 0;
            boolean untilClose = hasBody && !chunked && length < 0;
            boolean upstreamCloses = untilClose || response.hasToken("Connection", "close");
            if (fault != null && (!hasBody || chunked || length < 2)) {
                fault = null; // nothing to spoil: forward as is
            }
            record(method, path, fault);

            response.remove("Connection", "Keep-Alive");
            response.rewriteLocation(backend.baseUri().toString(), baseUri().toString());
            if (!keepAlive || untilClose) {
                response.set("Connection", "close");
            }
            response.write(clientOut);
            if (fault == null || fault == Fault.WRONG_BYTES) {
                if (chunked) {
                    copyChunked(upstreamIn, clientOut);
                } else if (hasBody) {
                    copy(upstreamIn, clientOut, length, fault == Fault.WRONG_BYTES ? length / 2 : -1);
                }
                clientOut.flush();
                if (upstreamCloses) {
                    closeUpstream();
                }
                return keepAlive && !untilClose;
            }
            copy(upstreamIn, clientOut, length / 2, -1);
            clientOut.flush();
            closeUpstream(); // the rest of the body is never read
            if (fault == Fault.RESET_IN_BODY) {
                reset(client);
            } else if (fault == Fault.STALL_IN_BODY) {
                awaitStall();
            }
            return false; // TRUNCATED_BODY and STALL_IN_BODY end with a normal close
        }

        /** Answers {@code fault} (a status or a reset) instead of the backend; true to keep the connection. */
        private boolean injectWithoutForwarding(Fault fault, String method, Head request, boolean keepAlive)
                throws IOException {
            if (request.hasBody()) {
                skipBody(request); // so the next request on the connection starts where it should
            }
            if (fault == Fault.RESET_BEFORE_RESPONSE) {
                reset(client);
                return false;
            }
            String code = fault.status.startsWith("429") ? "TOOMANYREQUESTS" : "UNAVAILABLE";
            byte[] body = (fault == Fault.DISK_FULL
                    ? "{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"unknown error\",\"detail\":\"write "
                    + "/var/lib/registry/docker/registry/v2/repositories/lab/x/_uploads/eda73fc8/data: no space left on "
                    + "device\"}]}"
                    : "{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"injected by FaultProxy: " + fault
                    + "\"}]}").getBytes(StandardCharsets.UTF_8);
            Head response = new Head("HTTP/1.1 " + fault.status);
            if (fault == Fault.TOO_MANY_REQUESTS_SECONDS) {
                response.set("Retry-After", "1");
            } else if (fault == Fault.TOO_MANY_REQUESTS_DATE) {
                // whole seconds only, so 2 s from now reads as 1 to 2 s ahead
                response.set("Retry-After", DateTimeFormatter.RFC_1123_DATE_TIME.format(
                        ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(2)));
            }
            return answer(response, method, body, keepAlive);
        }

        /**
         * Sends an answer of the proxy's own, a registry-style JSON error ({@code body}; none to a HEAD); true
         * to keep the connection.
         */
        private boolean answer(Head response, String method, byte[] body, boolean keepAlive) throws IOException {
            response.set("Content-Type", "application/json; charset=utf-8");
            response.set("Docker-Distribution-Api-Version", "registry/2.0");
            response.set("Content-Length", Integer.toString(body.length));
            if (!keepAlive) {
                response.set("Connection", "close");
            }
            response.write(clientOut);
            if (!"HEAD".equals(method)) {
                clientOut.write(body);
            }
            clientOut.flush();
            return keepAlive;
        }

        private void forwardRequest(String method, String target, Head request) throws IOException {
            if (upstream == null) {
                URI base = backend.baseUri();
                upstream = new Socket(base.getHost(), base.getPort());
                open.add(upstream);
                upstream.setTcpNoDelay(true);
                upstreamIn = new BufferedInputStream(upstream.getInputStream(), BUFFER_SIZE);
                upstreamOut = new BufferedOutputStream(upstream.getOutputStream(), BUFFER_SIZE);
            }
            Head forwarded = request.withStartLine(method + " " + target + " HTTP/1.1");
            // hop-by-hop: the proxy keeps its backend connection alive and answers Expect itself
            forwarded.remove("Connection", "Keep-Alive", "Proxy-Connection", "Expect");
            forwarded.set("Host", backend.host());
            InputStream throttled = requestBytesPerSecond > 0 ? new Throttled(clientIn, requestBytesPerSecond) : clientIn;
            if (wholeRequestBodies && request.hasBody()) {
                java.io.ByteArrayOutputStream whole = new java.io.ByteArrayOutputStream();
                copyBody(request, throttled, whole);
                if (clientWentAway()) {
                    throw new EOFException("the client went away before its request was answered");
                }
                forwarded.write(upstreamOut);
                whole.writeTo(upstreamOut);
                requestBodyBytes.addAndGet(whole.size());
                upstreamOut.flush();
                return;
            }
            InputStream body = new java.io.FilterInputStream(throttled) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b >= 0) {
                        requestBodyBytes.incrementAndGet();
                    }
                    return b;
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    int n = super.read(buffer, offset, length);
                    if (n > 0) {
                        requestBodyBytes.addAndGet(n);
                    }
                    return n;
                }
            };
            forwarded.write(upstreamOut);
            copyBody(request, body, upstreamOut);
            upstreamOut.flush();
        }

        private void copyBody(Head request, InputStream in, OutputStream out) throws IOException {
            if (request.isChunked()) {
                copyChunked(in, out);
            } else if (request.hasBody()) {
                copy(in, out, request.contentLength(), -1);
            }
        }

        /** True when the client closed its side (its FIN arrives within 200 ms): nobody waits for an answer. */
        private boolean clientWentAway() throws IOException {
            client.setSoTimeout(200);
            clientIn.mark(1);
            try {
                if (clientIn.read() < 0) {
                    return true;
                }
                clientIn.reset();
                return false;
            } catch (java.net.SocketTimeoutException stillThere) {
                return false;
            } finally {
                client.setSoTimeout(0);
            }
        }

        /** True when the request carries a bearer token whose {@code exp} has passed. */
        private boolean hasExpiredToken(Head request) {
            String authorization = request.get("Authorization");
            if (authorization == null || !authorization.startsWith("Bearer ")) {
                return false;
            }
            java.util.regex.Matcher exp = EXP_CLAIM.matcher(TokenServer.claimsJson(authorization.substring(7).trim()));
            return exp.find() && Long.parseLong(exp.group(1)) <= System.currentTimeMillis() / 1000;
        }

        /** Answers 401 with the token server's challenge, as a registry that checks {@code exp} strictly would. */
        private boolean refuseToken(String method, String path, Head request, boolean keepAlive)
                throws IOException {
            if (request.hasBody()) {
                skipBody(request);
            }
            java.util.regex.Matcher repository = REPOSITORY_PATH.matcher(path);
            String scope = repository.find() ? ",scope=\"repository:" + repository.group(1) + ":"
                    + ("GET".equals(method) || "HEAD".equals(method) ? "pull" : "pull,push") + "\"" : "";
            TokenServer tokens = backend.tokenServer();
            byte[] body = "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"token expired\"}]}"
                    .getBytes(StandardCharsets.UTF_8);
            Head response = new Head("HTTP/1.1 401 Unauthorized");
            response.set("WWW-Authenticate", "Bearer realm=\"" + tokens.realm() + "\",service=\"" + tokens.service()
                    + "\"" + scope + ",error=\"invalid_token\"");
            return answer(response, method, body, keepAlive);
        }

        /** Reads the backend's answer, skipping interim 1xx answers. */
        private Head readFinalResponse() throws IOException {
            while (true) {
                Head response = Head.read(upstreamIn);
                if (response == null) {
                    throw new EOFException("the backend closed the connection without answering");
                }
                int status = response.status();
                if (status >= 200) {
                    return response;
                }
            }
        }

        private void skipBody(Head request) throws IOException {
            if (request.isChunked()) {
                copyChunked(clientIn, OutputStream.nullOutputStream());
            } else {
                copy(clientIn, OutputStream.nullOutputStream(), request.contentLength(), -1);
            }
        }

        private void awaitStall() {
            try {
                closed.await(stallMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void closeUpstream() {
            if (upstream != null) {
                closeQuietly(upstream);
                open.remove(upstream);
                upstream = null;
            }
        }
    }

    // ---------------------------------------------------------------- HTTP/1.1 plumbing

    /** A request or response head: the start line and the header fields in their order. */
    private static final class Head {
        final String startLine;
        final List<Map.Entry<String, String>> fields = new ArrayList<>();

        Head(String startLine) {
            this.startLine = startLine;
        }

        /** Reads a head up to its empty line; null when the stream ends before the first byte. */
        static Head read(InputStream in) throws IOException {
            String startLine = readLine(in, true);
            if (startLine == null) {
                return null;
            }
            Head head = new Head(startLine);
            for (String line = readLine(in, false); !line.isEmpty(); line = readLine(in, false)) {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw new IOException("malformed header line: " + line);
                }
                head.fields.add(new AbstractMap.SimpleEntry<>(line.substring(0, colon), line.substring(colon + 1)
                        .trim()));
            }
            return head;
        }

        /** The status code of a response head. */
        int status() throws IOException {
            String[] statusLine = startLine.split(" ", 3);
            if (statusLine.length < 2 || !statusLine[1].matches("[1-5][0-9][0-9]")) {
                throw new IOException("malformed status line: " + startLine);
            }
            return Integer.parseInt(statusLine[1]);
        }

        Head withStartLine(String line) {
            Head copy = new Head(line);
            copy.fields.addAll(fields);
            return copy;
        }

        String get(String name) {
            for (Map.Entry<String, String> field : fields) {
                if (field.getKey().equalsIgnoreCase(name)) {
                    return field.getValue();
                }
            }
            return null;
        }

        /** True when a comma-separated header such as {@code Connection} lists {@code token}. */
        boolean hasToken(String name, String token) {
            for (Map.Entry<String, String> field : fields) {
                if (field.getKey().equalsIgnoreCase(name)) {
                    for (String value : field.getValue().split(",")) {
                        if (value.trim().equalsIgnoreCase(token)) {
                            return true;
                        }
                    }
                }
            }
            return false;
        }

        boolean isChunked() {
            String encoding = get("Transfer-Encoding");
            return encoding != null && encoding.toLowerCase(Locale.ROOT).trim().endsWith("chunked");
        }

        /** The {@code Content-Length}, or -1 without one. */
        long contentLength() {
            String length = get("Content-Length");
            return length == null ? -1 : Long.parseLong(length.trim());
        }

        /** Whether a request carries a body (a response's body depends on the request and the status). */
        boolean hasBody() {
            return isChunked() || contentLength() > 0;
        }

        void remove(String... names) {
            for (String name : names) {
                fields.removeIf(field -> field.getKey().equalsIgnoreCase(name));
            }
        }

        void set(String name, String value) {
            remove(name);
            fields.add(new AbstractMap.SimpleEntry<>(name, value));
        }

        void rewriteLocation(String from, String to) {
            for (Map.Entry<String, String> field : fields) {
                if (field.getKey().equalsIgnoreCase("Location") && field.getValue().startsWith(from)) {
                    field.setValue(to + field.getValue().substring(from.length()));
                }
            }
        }

        void write(OutputStream out) throws IOException {
            StringBuilder text = new StringBuilder(startLine).append("\r\n");
            for (Map.Entry<String, String> field : fields) {
                text.append(field.getKey()).append(": ").append(field.getValue()).append("\r\n");
            }
            out.write(text.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    /**
     * Reads a line without its CRLF (or bare LF); at the end of the stream before the first byte, null when
     * {@code endAllowed}, else an {@link EOFException}.
     */
    private static String readLine(InputStream in, boolean endAllowed) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                if (endAllowed && line.length() == 0) {
                    return null;
                }
                throw new EOFException("connection ended inside a line: " + line);
            }
            if (line.length() >= MAX_LINE) {
                throw new IOException("line longer than " + MAX_LINE + " bytes");
            }
            line.append((char) b);
        }
        int end = line.length();
        return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
    }

    /**
     * Copies {@code length} bytes (-1: up to the end of the stream), flipping the byte at offset {@code flipAt}
     * (-1: none).
     */
    private static void copy(InputStream in, OutputStream out, long length, long flipAt) throws IOException {
        byte[] buffer = new byte[BUFFER_SIZE];
        long done = 0;
        while (length < 0 || done < length) {
            int n = in.read(buffer, 0, (int) (length < 0 ? buffer.length : Math.min(buffer.length, length - done)));
            if (n < 0) {
                if (length < 0) {
                    return;
                }
                throw new EOFException("body ended after " + done + " of " + length + " bytes");
            }
            if (flipAt >= done && flipAt < done + n) {
                buffer[(int) (flipAt - done)] ^= (byte) 0xFF;
            }
            out.write(buffer, 0, n);
            done += n;
        }
    }

    /** Copies one chunked body, framing and trailers included, as it is. */
    private static void copyChunked(InputStream in, OutputStream out) throws IOException {
        while (true) {
            String sizeLine = readLine(in, false);
            writeLine(out, sizeLine);
            int extensions = sizeLine.indexOf(';');
            long size = Long.parseLong((extensions < 0 ? sizeLine : sizeLine.substring(0, extensions)).trim(), 16);
            if (size == 0) {
                String trailer;
                do {
                    trailer = readLine(in, false);
                    writeLine(out, trailer);
                } while (!trailer.isEmpty());
                return;
            }
            copy(in, out, size, -1);
            if (!readLine(in, false).isEmpty()) {
                throw new IOException("chunk of " + size + " bytes not followed by CRLF");
            }
            out.write(CRLF);
        }
    }

    private static void writeLine(OutputStream out, String line) throws IOException {
        out.write(line.getBytes(StandardCharsets.ISO_8859_1));
        out.write(CRLF);
    }

    /** Closes with a TCP RST instead of a FIN: a zero linger time makes close() abort the connection. */
    private static void reset(Socket socket) throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }

    private static final Pattern EXP_CLAIM = Pattern.compile("\"exp\"\\s*:\\s*(\\d+)");
    private static final Pattern REPOSITORY_PATH = Pattern.compile("^/v2/(.+?)/(blobs|manifests|tags)/");

    /** Reads at most {@code bytesPerSecond} on average, in slices of at most 16 KiB. */
    private static final class Throttled extends java.io.FilterInputStream {
        private final long bytesPerSecond;
        private final long start = System.nanoTime();
        private long read;

        Throttled(InputStream in, long bytesPerSecond) {
            super(in);
            this.bytesPerSecond = bytesPerSecond;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, Math.min(length, 16 * 1024));
            if (n > 0) {
                read += n;
                long due = start + read * 1_000_000_000L / bytesPerSecond;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted", e);
                    }
                }
            }
            return n;
        }
    }

    private static final class Rule {
        final Fault fault;
        final Pattern pattern;
        int remaining;

        Rule(Fault fault, Pattern pattern, int remaining) {
            this.fault = fault;
            this.pattern = pattern;
            this.remaining = remaining;
        }
    }
}

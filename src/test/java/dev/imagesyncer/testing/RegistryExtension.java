package dev.imagesyncer.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real registry ({@code docker-registry serve}, CNCF distribution 2.8) per test class, on a free port of
 * 127.0.0.1 with its own temporary storage:
 *
 * <pre>{@code
 * @RegisterExtension static final RegistryExtension source = RegistryExtension.open();
 * @RegisterExtension static final RegistryExtension target = RegistryExtension.basicAuthTls("alice", "s3cret");
 * }</pre>
 *
 * <p>Register it on a <em>static</em> field: it starts before all tests of the class (and is shared by its
 * {@code @Nested} classes) and stops after them, deleting its temporary directory. Outside JUnit, call
 * {@link #start()} and {@link #close()}. Any number can run at once in one JVM. Start-up waits until
 * {@code GET /v2/} answers 200 or 401 (at most 15 s; the failure carries the tail of the registry log). A
 * missing {@code docker-registry} or {@code htpasswd} binary is a failure, not a skip. Processes still alive
 * when the JVM exits are killed by a shutdown hook.
 *
 * <p>Every flavour has {@code storage.delete.enabled: true}, a random {@code http.secret} and logs at level
 * info (access log included) to {@link #logFile()}. Note: the registry does not paginate tag lists (use
 * {@link RegistryFront#paginateTags(int)}).
 */
public final class RegistryExtension implements BeforeAllCallback, AfterAllCallback, RegistryEndpoint,
        AutoCloseable {

    /** Realm of the Basic challenge: {@code WWW-Authenticate: Basic realm="test-registry"}. */
    public static final String BASIC_REALM = "test-registry";
    /** {@code auth.token.service} of token-auth registries, the tokens' {@code aud}. */
    public static final String TOKEN_SERVICE = "test-registry";
    /** {@code auth.token.issuer} of token-auth registries, the tokens' {@code iss}. */
    public static final String TOKEN_ISSUER = "test-token-issuer";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "registry-cleanup"));
    }

    private enum Auth { NONE, BASIC, TOKEN }

    private final Auth auth;
    private final boolean tls;
    private final String username;
    private final String password;
    private final TokenServer tokenServer;
    private boolean schema1;

    private volatile Path dir;
    private volatile Process process;
    private int port;
    private String startedBy;

    private RegistryExtension(Auth auth, boolean tls, String username, String password) {
        this.auth = auth;
        this.tls = tls;
        this.username = username;
        this.password = password;
        if (auth == Auth.TOKEN) {
            tokenServer = new TokenServer(TOKEN_SERVICE, TOKEN_ISSUER);
            if (username != null) {
                tokenServer.addUser(username, password).requireCredentials(true);
            }
        } else {
            tokenServer = null;
        }
    }

    /** No authentication, plain HTTP. */
    public static RegistryExtension open() {
        return new RegistryExtension(Auth.NONE, false, null, null);
    }

    /** No authentication, over TLS (see {@link #basicAuthTls} for the certificate). */
    public static RegistryExtension openTls() {
        return new RegistryExtension(Auth.NONE, true, null, null);
    }

    /**
     * HTTP Basic authentication (htpasswd, bcrypt entry) over plain HTTP: requests without valid credentials get
     * 401 with {@code WWW-Authenticate: Basic realm="test-registry"}.
     */
    public static RegistryExtension basicAuth(String username, String password) {
        return new RegistryExtension(Auth.BASIC, false, username, password);
    }

    /**
     * As {@link #basicAuth}, over TLS with a self-signed certificate ({@code CN=127.0.0.1},
     * {@code subjectAltName=IP:127.0.0.1,DNS:localhost}, {@code CA:TRUE}); trust it through {@link #caFile()}.
     */
    public static RegistryExtension basicAuthTls(String username, String password) {
        return new RegistryExtension(Auth.BASIC, true, username, password);
    }

    /**
     * Token authentication, plain HTTP: the registry trusts tokens of its {@link #tokenServer()} (started before
     * the registry), which hands out anonymous tokens for whatever is asked (see {@link TokenServer} to deny).
     * Without a token the registry answers 401 with
     * {@code WWW-Authenticate: Bearer realm="<tokenServer().realm()>",service="test-registry"[,scope="..."]}.
     */
    public static RegistryExtension tokenAuth() {
        return new RegistryExtension(Auth.TOKEN, false, null, null);
    }

    /**
     * As {@link #tokenAuth()}, but the token server knows {@code username}/{@code password} (HTTP Basic) and
     * refuses anonymous requests ({@code tokenServer().requireCredentials(false)} allows them again).
     */
    public static RegistryExtension tokenAuth(String username, String password) {
        return new RegistryExtension(Auth.TOKEN, false, username, password);
    }

    /**
     * Sets {@code compatibility.schema1.enabled: true} (call before start), so signed schema1 manifests
     * ({@link TestImages#dockerSchema1}) can be pushed. Side effect measured on 2.8.2: a manifest GET <em>by
     * tag</em> without an {@code Accept} that lists the schema2 type is then converted to schema1 (and fails
     * with 400 MANIFEST_INVALID when the config has no history), so clients must send {@code Accept}.
     */
    public RegistryExtension withSchema1() {
        if (process != null) {
            throw new IllegalStateException("withSchema1() must be called before the registry starts");
        }
        this.schema1 = true;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        synchronized (this) {
            if (process != null) {
                return; // already started by an enclosing class
            }
            startedBy = context.getUniqueId();
        }
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (context.getUniqueId().equals(startedBy)) {
            close();
        }
    }

    /** Starts the token server (token flavour) and the registry, and waits until it answers. */
    public synchronized void start() {
        if (process != null) {
            return;
        }
        Path registry = TestFiles.requireExecutable("docker-registry",
                "`apt-get install -y docker-registry` (Debian package, CNCF distribution 2.8)");
        try {
            dir = Files.createTempDirectory("test-registry-");
            if (auth == Auth.BASIC) {
                Files.writeString(dir.resolve("htpasswd"), htpasswdEntry(username, password));
            }
            if (tls) {
                TestCertificates.KeyAndCertificate certificate = TestCertificates.localhostTls();
                Files.writeString(dir.resolve("tls.crt"), certificate.certificatePem());
                Files.writeString(dir.resolve("tls.key"), certificate.privateKeyPem());
                Files.writeString(dir.resolve("ca.pem"), certificate.certificatePem());
            }
            if (tokenServer != null) {
                tokenServer.start();
                tokenServer.writeCertificateBundle(dir.resolve("token-signer.pem"));
            }
            for (int attempt = 1; ; attempt++) {
                port = freePort();
                Files.writeString(configFile(), config());
                Process started = new ProcessBuilder(registry.toString(), "serve", configFile().toString())
                        .redirectErrorStream(true)
                        .redirectOutput(logFile().toFile())
                        .start();
                LIVE.add(started);
                process = started;
                try {
                    awaitReady();
                    return;
                } catch (IllegalStateException e) {
                    boolean portTaken = !started.isAlive()
                            && Files.readString(logFile()).contains("address already in use");
                    stopProcess();
                    if (!portTaken || attempt == 3) {
                        throw e;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            String log = dir != null && Files.exists(logFile()) ? TestFiles.tail(logFile(), 40) : "";
            close();
            if (e instanceof IllegalStateException) {
                throw (IllegalStateException) e;
            }
            throw new IllegalStateException("cannot start docker-registry: " + e + "\n" + log, e);
        }
    }

    /** Stops the registry (and its token server) and deletes the temporary directory; safe to call twice. */
    @Override
    public synchronized void close() {
        stopProcess();
        if (tokenServer != null) {
            tokenServer.close();
        }
        TestFiles.deleteRecursively(dir);
        dir = null;
        startedBy = null;
    }

    /**
     * Kills the registry process with SIGKILL, as an OOM kill or a crash would: nothing flushed, connections cut.
     * The storage, the port and the configuration stay for {@link #restart()}.
     */
    public synchronized void kill() throws InterruptedException {
        requireStarted();
        process.destroyForcibly().waitFor();
    }

    /**
     * Starts the registry again after {@link #kill()}, on the same port with the same storage and configuration
     * (the same {@code http.secret}, so upload sessions it handed out stay valid), and waits until it answers.
     */
    public synchronized void restart() throws IOException {
        requireStarted();
        if (process.isAlive()) {
            throw new IllegalStateException("the registry still runs: kill() it first");
        }
        LIVE.remove(process);
        Path registry = TestFiles.requireExecutable("docker-registry", "`apt-get install -y docker-registry`");
        process = new ProcessBuilder(registry.toString(), "serve", configFile().toString())
                .redirectErrorStream(true).redirectOutput(logFile().toFile()).start();
        LIVE.add(process);
        awaitReady();
    }

    /** True while the registry process runs. */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    @Override
    public String host() {
        requireStarted();
        return "127.0.0.1:" + port;
    }

    @Override
    public URI baseUri() {
        return URI.create((tls ? "https://" : "http://") + host());
    }

    @Override
    public boolean isTls() {
        return tls;
    }

    /** The CA certificate (PEM) to trust for a TLS flavour; null for plain HTTP. */
    @Override
    public Path caFile() {
        return tls ? dir().resolve("ca.pem") : null;
    }

    @Override
    public String username() {
        return username;
    }

    @Override
    public String password() {
        return password;
    }

    /** The token server for {@link #tokenAuth()} flavours (available before start), else null. */
    @Override
    public TokenServer tokenServer() {
        return tokenServer;
    }

    /** The registry's storage root ({@code storage.filesystem.rootdirectory}). */
    public Path storageDir() {
        return dir().resolve("data");
    }

    /** The registry's combined stdout/stderr (its log at level info, plus the access log). */
    public Path logFile() {
        return dir().resolve("registry.log");
    }

    /** The generated {@code config.yml}. */
    public Path configFile() {
        return dir().resolve("config.yml");
    }

    /** The last {@code lines} lines of {@link #logFile()}, for failure messages. */
    public String logTail(int lines) {
        return TestFiles.tail(logFile(), lines);
    }

    @Override
    public String toString() {
        return "RegistryExtension[" + auth + (tls ? "+TLS" : "") + (process != null ? " " + baseUri() : "") + "]";
    }

    private String config() {
        StringBuilder yaml = new StringBuilder()
                .append("version: 0.1\n")
                .append("log:\n  level: info\n  formatter: text\n")
                .append("storage:\n")
                .append("  filesystem:\n    rootdirectory: ").append(quoted(storageDir())).append('\n')
                .append("  delete:\n    enabled: true\n")
                .append("http:\n")
                .append("  addr: 127.0.0.1:").append(port).append('\n')
                .append("  secret: ").append(HexFormat.of().formatHex(randomBytes(16))).append('\n');
        if (tls) {
            yaml.append("  tls:\n")
                    .append("    certificate: ").append(quoted(dir.resolve("tls.crt"))).append('\n')
                    .append("    key: ").append(quoted(dir.resolve("tls.key"))).append('\n');
        }
        if (auth == Auth.BASIC) {
            yaml.append("auth:\n  htpasswd:\n")
                    .append("    realm: ").append(BASIC_REALM).append('\n')
                    .append("    path: ").append(quoted(dir.resolve("htpasswd"))).append('\n');
        } else if (auth == Auth.TOKEN) {
            yaml.append("auth:\n  token:\n")
                    .append("    realm: ").append(tokenServer.realm()).append('\n')
                    .append("    service: ").append(tokenServer.service()).append('\n')
                    .append("    issuer: ").append(tokenServer.issuer()).append('\n')
                    .append("    rootcertbundle: ").append(quoted(dir.resolve("token-signer.pem"))).append('\n');
        }
        if (schema1) {
            yaml.append("compatibility:\n  schema1:\n    enabled: true\n");
        }
        return yaml.toString();
    }

    private void awaitReady() throws IOException {
        HttpClient client = TestHttp.client(this);
        HttpRequest ping = HttpRequest.newBuilder(baseUri().resolve("/v2/")).timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        String lastError = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("docker-registry exited with " + process.exitValue()
                        + " while starting; log " + logFile() + ":\n" + logTail(40));
            }
            try {
                int status = client.send(ping, HttpResponse.BodyHandlers.discarding()).statusCode();
                // The log line proves the answer came from this process, not from another one (another JVM)
                // that took the port between freePort() and the bind.
                boolean ours = Files.readString(logFile()).contains("listening on " + host());
                if ((status == 200 || status == 401) && ours) {
                    return;
                }
                lastError = "GET /v2/ answered " + status + (ours ? "" : " but the log has no 'listening on "
                        + host() + "'");
            } catch (IOException e) {
                lastError = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for docker-registry", e);
            }
            sleep(50);
        }
        throw new IllegalStateException("docker-registry did not answer GET /v2/ within " + START_TIMEOUT
                + " (" + lastError + "); log " + logFile() + ":\n" + logTail(40));
    }

    private void stopProcess() {
        Process running = process;
        process = null;
        if (running == null) {
            return;
        }
        running.destroy();
        try {
            if (!running.waitFor(5, TimeUnit.SECONDS)) {
                running.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            running.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        LIVE.remove(running);
    }

    private static String htpasswdEntry(String username, String password) throws IOException {
        Path htpasswd = TestFiles.requireExecutable("htpasswd", "`apt-get install -y apache2-utils`");
        // -B: bcrypt, the only hash distribution accepts; -C 4: the cheapest cost, fast enough for tests.
        Process process = new ProcessBuilder(htpasswd.toString(), "-nbB", "-C", "4", username, password)
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes()).strip();
        try {
            if (process.waitFor() != 0) {
                throw new IllegalStateException("htpasswd failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return output + "\n";
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    private static String quoted(Path path) {
        return "\"" + path.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private synchronized Path dir() {
        if (dir == null) {
            throw new IllegalStateException("registry not started (register the extension on a static field)");
        }
        return dir;
    }

    private void requireStarted() {
        if (process == null) {
            throw new IllegalStateException("registry not started (register the extension on a static field)");
        }
    }
}

package dev.imagesyncer.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A registry that answers what a real one never would, for bad-input tests; each repository shows one fault:
 * {@code html} serves an HTML page as its manifest, {@code artifact} an unknown manifest media type,
 * {@code huge} a 5 MiB manifest, {@code longblob} a blob one byte longer than its manifest announces.
 */
public final class MisbehavingRegistry implements AutoCloseable {

    private static final byte[] CONFIG = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
    private static final String CONFIG_DIGEST = Digests.sha256(CONFIG);
    private static final byte[] LONGBLOB_MANIFEST = ("{\"schemaVersion\":2,\"mediaType\":"
            + "\"application/vnd.docker.distribution.manifest.v2+json\",\"config\":{\"mediaType\":"
            + "\"application/vnd.docker.container.image.v1+json\",\"size\":" + CONFIG.length + ",\"digest\":\""
            + CONFIG_DIGEST + "\"},\"layers\":[]}").getBytes(StandardCharsets.UTF_8);

    private final HttpServer server;

    public MisbehavingRegistry() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    public String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        boolean head = exchange.getRequestMethod().equals("HEAD");
        if (path.equals("/v2/")) {
            send(exchange, 200, "application/json", "{}".getBytes(StandardCharsets.UTF_8), head);
        } else if (path.startsWith("/v2/html/manifests/")) {
            send(exchange, 200, "text/html", "<html><body>Login</body></html>".getBytes(StandardCharsets.UTF_8), head);
        } else if (path.startsWith("/v2/artifact/manifests/")) {
            send(exchange, 200, "application/vnd.oci.artifact.manifest.v1+json",
                    "{\"mediaType\":\"application/vnd.oci.artifact.manifest.v1+json\",\"blobs\":[]}"
                            .getBytes(StandardCharsets.UTF_8), head);
        } else if (path.startsWith("/v2/huge/manifests/")) {
            byte[] huge = new byte[5 << 20];
            Arrays.fill(huge, (byte) ' ');
            huge[0] = '{';
            huge[huge.length - 1] = '}';
            send(exchange, 200, "application/vnd.oci.image.manifest.v1+json", huge, head);
        } else if (path.startsWith("/v2/longblob/manifests/")) {
            exchange.getResponseHeaders().set("Docker-Content-Digest", Digests.sha256(LONGBLOB_MANIFEST));
            send(exchange, 200, "application/vnd.docker.distribution.manifest.v2+json", LONGBLOB_MANIFEST, head);
        } else if (path.equals("/v2/longblob/blobs/" + CONFIG_DIGEST)) {
            byte[] longer = Arrays.copyOf(CONFIG, CONFIG.length + 1);
            send(exchange, 200, "application/octet-stream", longer, head);
        } else {
            send(exchange, 404, "application/json",
                    "{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"unknown\"}]}".getBytes(StandardCharsets.UTF_8),
                    head);
        }
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body, boolean head)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        if (head) {
            exchange.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            exchange.sendResponseHeaders(status, -1);
        } else {
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

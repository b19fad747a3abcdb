package dev.imagesyncer.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * A plain-HTTP TCP port in front of a JDK {@code HttpServer}. Go clients (skopeo) told to skip TLS verification
 * still try HTTPS first; the JDK server never answers a TLS ClientHello, so Go waits out its 10 s handshake
 * timeout before falling back to HTTP. This relay answers a ClientHello at once with {@code 400 Bad Request}, as
 * Go's own HTTP server does (the client then falls back immediately), and pipes every other connection, byte for
 * byte and in both directions, to the server at {@code target}.
 */
final class TlsRefusingRelay implements AutoCloseable {

    private static final int TLS_HANDSHAKE_RECORD = 0x16;
    private static final byte[] BAD_REQUEST = ("HTTP/1.0 400 Bad Request\r\nContent-Length: 0\r\n"
            + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final ExecutorService executor;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    TlsRefusingRelay(InetSocketAddress target, ExecutorService executor) {
        this.target = target;
        this.executor = executor;
        try {
            this.listener = new ServerSocket(0, 100, InetAddress.getByName("127.0.0.1"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::acceptLoop, "registry-front-relay");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        open.forEach(this::closeQuietly);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                open.add(client);
                executor.execute(() -> relay(client));
            } catch (IOException e) {
                // listener closed
            }
        }
    }

    private void relay(Socket client) {
        Socket upstream = null;
        try {
            client.setTcpNoDelay(true);
            PushbackInputStream in = new PushbackInputStream(client.getInputStream(), 1);
            int first = in.read();
            if (first < 0) {
                return;
            }
            if (first == TLS_HANDSHAKE_RECORD) {
                client.getOutputStream().write(BAD_REQUEST);
                return;
            }
            in.unread(first);
            upstream = new Socket(target.getAddress(), target.getPort());
            upstream.setTcpNoDelay(true);
            open.add(upstream);
            Socket server = upstream;
            executor.execute(() -> {
                try {
                    pump(in, server.getOutputStream());
                    server.shutdownOutput(); // the client finished sending
                } catch (IOException e) {
                    closeQuietly(server);
                }
            });
            pump(upstream.getInputStream(), client.getOutputStream());
        } catch (IOException e) {
            // a side went away: close both
        } finally {
            closeQuietly(client);
            if (upstream != null) {
                closeQuietly(upstream);
            }
        }
    }

    private static void pump(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
            out.flush();
        }
    }

    private void closeQuietly(Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}

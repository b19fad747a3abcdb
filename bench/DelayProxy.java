import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A WAN-like front for a registry on loopback: a TCP proxy that holds each HTTP request for DELAY_MS before
 * passing it on. A request is recognised as the client speaking again after the server has answered, which is
 * how HTTP/1.1 keep-alive connections take turns. Bytes pass through unchanged (TLS included).
 *
 *   java bench/DelayProxy.java LISTEN_PORT TARGET_PORT DELAY_MS
 */
public final class DelayProxy {

    public static void main(String[] args) throws IOException {
        int listen = Integer.parseInt(args[0]);
        int target = Integer.parseInt(args[1]);
        long delay = Long.parseLong(args[2]);
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listen), 512);
            System.out.println("delaying 127.0.0.1:" + listen + " -> 127.0.0.1:" + target + " by " + delay + " ms");
            while (true) {
                Socket client = server.accept();
                start(() -> relay(client, target, delay));
            }
        }
    }

    private static Thread start(Runnable task) {
        Thread thread = new Thread(task);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void relay(Socket client, int target, long delay) {
        try (client; Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target)) {
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
            AtomicBoolean serverSpoke = new AtomicBoolean(true);
            Thread back = start(() -> pump(upstream, client, null, serverSpoke, 0));
            pump(client, upstream, serverSpoke, null, delay);
            back.join();
        } catch (IOException | InterruptedException ignored) {
            // one connection ends; the proxy goes on
        }
    }

    /** Copies from one socket to the other; before forwarding a new request, waits {@code delay}. */
    private static void pump(Socket from, Socket to, AtomicBoolean requestStarts, AtomicBoolean marks, long delay) {
        byte[] buffer = new byte[256 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buffer)) > 0; ) {
                if (requestStarts != null && requestStarts.getAndSet(false)) {
                    Thread.sleep(delay);
                }
                if (marks != null) {
                    marks.set(true);
                }
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException | InterruptedException e) {
            try {
                to.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }
}

package dev.imagesyncer.app;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Where the management endpoints listen, checked before anything else of a service starts. */
final class ManagementAddress {

    private ManagementAddress() {
    }

    /** {@code sync.http.port} as a port number, 1 to 65535. */
    static int port(String value) {
        try {
            int port = Integer.parseInt(value.trim());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException notANumber) {
            // said below
        }
        throw new IllegalArgumentException("sync.http.port (--http-port) must be a port number, 1 to 65535, not "
                + value);
    }

    /**
     * Binds {@code host:port} and lets it go: a port another process holds, or an address this machine does not
     * have, stops the service before it starts instead of leaving it running without endpoints.
     */
    static void requireFree(String host, int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new IllegalArgumentException("sync.http.port (--http-port): cannot listen on " + host + ":" + port
                    + " (" + e.getMessage() + "); give a free port with --http-port, or another address with "
                    + "--http-host", e);
        }
    }
}

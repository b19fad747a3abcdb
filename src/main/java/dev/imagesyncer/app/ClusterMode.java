package dev.imagesyncer.app;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Cluster mode's settings that every start reads: whether it is on, this instance's name, its outcomes queue.
 * What needs the broker's client ({@link ClusterMessaging}) is loaded only when {@code sync.cluster.brokerUrl}
 * is set, so that one instance loads none of it.
 */
final class ClusterMode {

    /** The route file of cluster mode, left out when no broker is configured. */
    static final String ROUTES = "cluster.camel.yaml";

    /** What a node name may hold: it goes into a queue name and the User-Agent header. */
    private static final Pattern NODE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    private ClusterMode() {
    }

    /** True when a cluster setting is given: a broker ({@code sync.cluster.brokerUrl}) or a database. */
    static boolean enabled(SyncProperties properties) {
        return properties.text("sync.cluster.brokerUrl") != null || properties.text("sync.cluster.jdbcUrl") != null;
    }

    /**
     * This instance's name in the cluster: {@code sync.cluster.node}, else {@code <host>-<pid>}.
     *
     * @throws IllegalArgumentException when the name set holds other than letters, digits, '.', '_' and '-'
     */
    static String node(SyncProperties properties) {
        String node = properties.text("sync.cluster.node");
        if (node == null) {
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "localhost";
            }
            return (host.replaceAll("[^A-Za-z0-9._-]", "-") + "-" + ProcessHandle.current().pid())
                    .replaceFirst("^[^A-Za-z0-9]+", "");
        }
        if (!NODE.matcher(node).matches()) {
            throw new IllegalArgumentException("sync.cluster.node must be 1 to 63 letters, digits, '.', '_' or '-' "
                    + "(it names a queue and goes into the User-Agent), not \"" + node + "\"");
        }
        return node;
    }

    /** This instance's outcomes queue: {@code sync.cluster.outcomesQueue} and the node's name. */
    static String outcomesQueue(SyncProperties sync, String node) {
        return sync.text("sync.cluster.outcomesQueue", "camel-image-syncer.outcomes") + "." + node;
    }

}

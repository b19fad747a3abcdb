package dev.imagesyncer.cluster;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.config.impl.SecurityConfiguration;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.apache.activemq.artemis.spi.core.security.jaas.InVMLoginModule;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;

/**
 * An ActiveMQ Artemis broker in this process, for small installations and tests of cluster mode: persistent
 * (its journal under {@code dataDirectory}, so queued jobs survive a restart), one user who may do everything,
 * one TCP acceptor, senders held while less than {@value #MIN_DISK_FREE} bytes are free on its disk. It listens on
 * 127.0.0.1 unless told otherwise, because anyone who can send it jobs can make
 * the mirror push with its credentials. Messages that fail {@value #MAX_DELIVERIES} deliveries go to the
 * dead-letter address {@value #DEAD_LETTERS}; message groups are rebalanced when consumers join, so that
 * instances started later get work.
 *
 * @param dataDirectory where the journal, bindings, paging and large messages live
 * @param host          the address to listen on
 * @param port          the TCP port
 * @param user          the one user's name
 * @param password      its password (never logged)
 */
public record EmbeddedBroker(Path dataDirectory, String host, int port, String user, String password) {

    /** Deliveries of one message before it is dead-lettered (an instance that dies holding it counts one). */
    public static final int MAX_DELIVERIES = 5;
    public static final String DEAD_LETTERS = "DLQ";
    /** Bytes that must stay free on the journal's disk; below, senders wait (Artemis's address blocking). */
    public static final long MIN_DISK_FREE = 512L << 20;
    private static final String ROLE = "mirror";

    public EmbeddedBroker {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(host, "host");
        if (user == null || user.isBlank() || password == null || password.isEmpty()) {
            throw new IllegalArgumentException("the broker needs a user and a password (--broker-user, or "
                    + "sync.cluster.brokerUser and sync.cluster.brokerPassword): anyone who can send it jobs can make "
                    + "the mirror push");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("the broker's port (--broker-port, or that of sync.cluster.brokerUrl) "
                    + "must be 1 to 65535, not " + port);
        }
    }

    /** {@code tcp://host:port}: what clients connect to. */
    public String url() {
        return "tcp://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * Starts the broker and blocks until the JVM stops (SIGTERM, Ctrl-C), whose shutdown hook stops it:
     * {@code --broker}. {@code listening} runs once it listens; {@code stopFailed} takes an error of its stop.
     *
     * @throws Exception when it cannot start (the port is taken, the directory cannot be written)
     */
    public void serveUntilStopped(Runnable listening, java.util.function.Consumer<Exception> stopFailed)
            throws Exception {
        EmbeddedActiveMQ running = start();
        java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                running.stop();
            } catch (Exception e) {
                stopFailed.accept(e);
            } finally {
                stopped.countDown();
            }
        }, "broker-stop"));
        listening.run();
        stopped.await();
    }

    /**
     * Starts the broker; the caller stops it ({@link EmbeddedActiveMQ#stop()}) after whatever uses it.
     *
     * @throws Exception when it cannot start (the port is taken, the directory cannot be written)
     */
    public EmbeddedActiveMQ start() throws Exception {
        Configuration configuration = new ConfigurationImpl()
                .setName("camel-image-syncer")
                .setPersistenceEnabled(true)
                .setSecurityEnabled(true)
                .setJournalDirectory(dataDirectory.resolve("journal").toString())
                .setBindingsDirectory(dataDirectory.resolve("bindings").toString())
                .setPagingDirectory(dataDirectory.resolve("paging").toString())
                .setLargeMessagesDirectory(dataDirectory.resolve("large-messages").toString())
                .addAcceptorConfiguration("tcp", url())
                // blocks senders when the journal's disk has less than this free, not at Artemis's default of
                // 90% of the disk used, which a large but busy disk reaches with hundreds of GiB free
                .setMaxDiskUsage(100)
                .setMinDiskFree(MIN_DISK_FREE);
        configuration.putSecurityRoles("#", Set.of(new Role(ROLE, true, true, true, true, true, true, true, true,
                true, true, false, false)));
        configuration.addAddressSetting("#", new AddressSettings()
                .setMaxDeliveryAttempts(MAX_DELIVERIES)
                // a job given back (an instance stopping, a rollback) waits a moment, and does not burn its
                // deliveries in a few milliseconds on the consumer its group is pinned to
                .setRedeliveryDelay(1000)
                .setRedeliveryMultiplier(2)
                .setMaxRedeliveryDelay(10_000)
                .setDeadLetterAddress(SimpleString.of(DEAD_LETTERS))
                .setAutoCreateDeadLetterResources(true)
                .setDefaultGroupRebalance(true)
                .setDefaultGroupRebalancePauseDispatch(true));
        SecurityConfiguration users = new SecurityConfiguration();
        users.addUser(user, password);
        users.addRole(user, ROLE);
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ()
                .setConfiguration(configuration)
                .setSecurityManager(new ActiveMQJAASSecurityManager(InVMLoginModule.class.getName(), users));
        broker.start();
        return broker;
    }
}

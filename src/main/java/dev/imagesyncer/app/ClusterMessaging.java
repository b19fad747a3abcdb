package dev.imagesyncer.app;

import dev.imagesyncer.cluster.EmbeddedBroker;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.spi.PropertiesComponent;
import org.springframework.jms.connection.CachingConnectionFactory;

import java.net.URI;
import java.nio.file.Path;

/**
 * Cluster mode's JMS side ({@code sync.cluster.brokerUrl}): the {@code jms} component on ActiveMQ Artemis
 * ({@code artemis-jakarta-client}) that the routes of {@code cluster.camel.yaml} send copy jobs and outcomes
 * with, and, with {@code sync.cluster.embeddedBroker}, an Artemis broker inside this instance. Resolves the
 * properties those routes read whose defaults are computed: {@code sync.cluster.node} and
 * {@code sync.cluster.consumers}. This instance's outcomes queue is {@code <sync.cluster.outcomesQueue>.<node>}.
 */
final class ClusterMessaging implements AutoCloseable {

    private final EmbeddedActiveMQ broker;
    private final CachingConnectionFactory sending;
    private final ActiveMQConnectionFactory factory;

    private ClusterMessaging(EmbeddedActiveMQ broker, CachingConnectionFactory sending, ActiveMQConnectionFactory factory) {
        this.broker = broker;
        this.sending = sending;
        this.factory = factory;
    }

    /**
     * Sets cluster mode up when {@code sync.cluster.brokerUrl} is set: starts the embedded broker when asked,
     * binds the {@code jms} component and the connection factory {@code jmsSending} (connections kept for
     * sending) and resolves the routes' properties; the caller calls it when {@code sync.cluster.brokerUrl} is set.
     *
     * @throws IllegalArgumentException when a setting is bad or the embedded broker does not start
     */
    static ClusterMessaging configure(SyncProperties sync, CamelContext context, PropertiesComponent properties,
                                 int proc) {
        String url = sync.text("sync.cluster.brokerUrl");
        if (!url.startsWith("tcp://")) {
            // the options after '?' may hold passwords: never echoed
            throw new IllegalArgumentException("sync.cluster.brokerUrl must be an Artemis URL, tcp://host:port, "
                    + "not " + (url.contains("?") ? url.substring(0, url.indexOf('?')) + "?..." : url));
        }
        String node = ClusterMode.node(sync);
        long consumers = sync.number("sync.cluster.consumers", "sync.cluster.consumers", 0, 4L * proc);
        String user = sync.text("sync.cluster.brokerUser");
        String password = sync.text("sync.cluster.brokerPassword");
        EmbeddedActiveMQ broker = null;
        Path journal = sync.path("sync.cluster.embeddedBroker");
        if (journal != null) {
            URI address = URI.create(url.contains("?") ? url.substring(0, url.indexOf('?')) : url);
            EmbeddedBroker embedded = new EmbeddedBroker(journal, address.getHost(),
                    address.getPort() < 0 ? 61616 : address.getPort(), user, password);
            try {
                broker = embedded.start();
            } catch (Exception e) {
                throw new IllegalArgumentException("sync.cluster.embeddedBroker: the broker did not start on "
                        + embedded.url() + ": " + e.getMessage(), e);
            }
        }
        // an idle instance must not be starved by a busy one's buffer: no messages held on the client
        String consumerUrl = url.contains("consumerWindowSize=") ? url
                : url + (url.contains("?") ? "&" : "?") + "consumerWindowSize=0";
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(consumerUrl, user, password);
        context.addComponent("jms", JmsComponent.jmsComponent(factory));
        CachingConnectionFactory sending = new CachingConnectionFactory(factory);
        sending.setSessionCacheSize(16);
        context.getRegistry().bind("jmsSending", sending);

        properties.addOverrideProperty("sync.cluster.node", node);
        properties.addOverrideProperty("sync.cluster.consumers", Long.toString(consumers));
        return new ClusterMessaging(broker, sending, factory);
    }

    /**
     * Closes the connections kept for sending and stops the embedded broker, if any: after Camel, whose consumers
     * would fail on a broker gone first.
     */
    @Override
    public void close() throws Exception {
        sending.destroy();
        factory.close();
        if (broker != null) {
            broker.stop();
        }
    }
}

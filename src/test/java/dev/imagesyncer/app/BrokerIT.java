package dev.imagesyncer.app;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSSecurityRuntimeException;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --broker}: the jar as an Artemis broker for cluster mode, as a small installation would run it. */
class BrokerIT {

    @TempDir
    Path work;

    @Test
    void the_broker_serves_its_user_only_on_loopback_and_keeps_queued_jobs_across_a_restart() throws Exception {
        int port = freePort();
        Map<String, String> password = Map.of("CAMEL_IMAGE_SYNCER_BROKER_PASSWORD", "broker-S3cret");
        String url = "tcp://127.0.0.1:" + port;

        JarRun.Running first = JarRun.start(work, password, "--broker", "data", "--broker-port", Integer.toString(port));
        first.awaitLines("broker listening on " + url, 1);
        ConnectionFactory factory = new ActiveMQConnectionFactory(url + "?consumerWindowSize=0");
        try (JMSContext context = factory.createContext("mirror", "broker-S3cret")) {
            context.createProducer().send(context.createQueue("images"), "job one");
        }
        assertThatThrownBy(() -> factory.createContext("mirror", "guessed").close())
                .isInstanceOf(JMSSecurityRuntimeException.class);
        first.terminate();
        assertThat(first.finish().stdout()).doesNotContain("broker-S3cret");

        JarRun.Running second = JarRun.start(work, password, "--broker", "data", "--broker-port",
                Integer.toString(port));
        second.awaitLines("broker listening on " + url, 1);
        try (JMSContext context = factory.createContext("mirror", "broker-S3cret")) {
            assertThat(context.createConsumer(context.createQueue("images")).receiveBody(String.class, 10_000))
                    .as("persistent: the job queued before the restart is still there").isEqualTo("job one");
        }
        second.terminate();
        second.finish();
    }

    @Test
    void a_broker_without_a_password_is_refused_in_one_line() throws Exception {
        JarRun run = JarRun.in(work, Map.of(), "--broker", "data", "--broker-port", Integer.toString(freePort()));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr().strip()).startsWith("error: the broker needs a user and a password")
                .endsWith("(the password: $CAMEL_IMAGE_SYNCER_BROKER_PASSWORD)");
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

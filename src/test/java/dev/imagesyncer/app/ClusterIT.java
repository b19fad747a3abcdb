package dev.imagesyncer.app;

import dev.imagesyncer.cluster.EmbeddedBroker;
import dev.imagesyncer.testing.MirrorCheck;
import dev.imagesyncer.testing.RegistryFront;
import dev.imagesyncer.testing.RegistrySeeder;
import dev.imagesyncer.testing.Skopeo;
import dev.imagesyncer.testing.TestImage;
import dev.imagesyncer.testing.TestImages;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cluster mode with the real jar: a planner and worker instances (separate processes) sharing one Artemis broker;
 * the target behind a front that records which instance wrote which repository, and when.
 */
class ClusterIT extends TwoRegistries {

    private static final String PASSWORD = "cluster-S3cret";
    /** A schedule that does not fire while a test runs: the workers only take jobs. */
    private static final String NEVER = "0 0 0 1 1 ? 2099";

    private EmbeddedActiveMQ broker;
    private String brokerUrl;
    private RegistryFront front;
    private final List<JarRun.Running> started = new ArrayList<>();

    @BeforeEach
    void startBroker() throws Exception {
        int port = freePort();
        brokerUrl = "tcp://127.0.0.1:" + port;
        broker = new EmbeddedBroker(work.resolve("broker"), "127.0.0.1", port, "mirror", PASSWORD).start();
        front = RegistryFront.of(target);
    }

    @AfterEach
    void stopAll() throws Exception {
        for (JarRun.Running node : started) {
            node.process().destroyForcibly().waitFor();
            System.out.println("---- " + node.err() + "\n" + Files.readString(node.err()));
        }
        front.close();
        broker.stop();
    }

    @Test
    void the_copies_of_a_run_spread_over_the_instances_and_each_repository_is_written_by_one_at_a_time()
            throws Exception {
        Map<String, TestImage> images = seed(12, "lab/spread-", 2, 64 * 1024);
        writeFiles(images, "spread-");
        JarRun.Running one = worker("w1");
        JarRun.Running two = worker("w2");
        awaitConsuming(one, two);

        JarRun planner = plan("planner");

        assertThat(planner.exitCode()).as(planner.toString()).isZero();
        assertThat(planner.summary()).startsWith("Sync finished (succeeded): 12 images synced");
        for (Map.Entry<String, TestImage> image : images.entrySet()) {
            assertThat(Skopeo.inspectRaw(target, "mirror/" + image.getKey() + ":v1"))
                    .isEqualTo(image.getValue().manifest());
            assertThat(MirrorCheck.danglingReferences(target, "mirror/" + image.getKey(), List.of("v1"))).isEmpty();
        }
        List<RegistryFront.Write> writes = front.writes();
        assertThat(writes.stream().map(RegistryFront.Write::node).collect(Collectors.toSet()))
                .as("both workers wrote, the planner none").containsExactlyInAnyOrder("w1", "w2");
        assertNoOverlap(writes);
    }

    /** A one-shot run that plans, copies nothing itself and waits for the outcomes: at most two minutes. */
    private JarRun plan(String node) throws Exception {
        JarRun.Running planner = JarRun.start(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml",
                "--properties", properties(node, 0).toString(), "--reports", "reports");
        if (!planner.process().waitFor(2, java.util.concurrent.TimeUnit.MINUTES)) {
            started.add(planner);
            throw new AssertionError("the planner did not finish within two minutes");
        }
        return planner.finish();
    }

    private Map<String, TestImage> seed(int count, String prefix, int layers, int layerSize) {
        Map<String, TestImage> images = new LinkedHashMap<>();
        RegistrySeeder seeder = RegistrySeeder.of(source);
        for (int i = 0; i < count; i++) {
            TestImage image = TestImages.ociManifest(layers, layerSize);
            seeder.push(prefix + i, "v1", image);
            images.put(prefix.substring(prefix.indexOf('/') + 1) + i, image);
        }
        return images;
    }

    private void writeFiles(Map<String, TestImage> images, String prefix) throws Exception {
        StringBuilder file = new StringBuilder();
        for (String name : images.keySet()) {
            file.append(source.host()).append("/lab/").append(name).append(":v1: ").append(front.host())
                    .append("/mirror/").append(name).append('\n');
        }
        Files.writeString(work.resolve("images.yaml"), file);
        JarRun.writeInsecureAuth(work, source, target, front);
    }

    /** The settings of one instance: the broker, its name, how many jobs it copies at once. */
    private java.nio.file.Path properties(String node, int consumers) throws Exception {
        return Files.writeString(work.resolve(node + ".properties"), "sync.cluster.brokerUrl = " + brokerUrl + "\n"
                + "sync.cluster.brokerUser = mirror\nsync.cluster.brokerPassword = " + PASSWORD + "\n"
                + "sync.cluster.node = " + node + "\nsync.cluster.consumers = " + consumers + "\n");
    }

    private JarRun.Running worker(String node) throws Exception {
        JarRun.Running worker = JarRun.start(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml",
                "--properties", properties(node, 2).toString(), "--schedule", NEVER, "--http-port",
                Integer.toString(freePort()), "--reports", "reports-" + node);
        started.add(worker);
        return worker;
    }

    private static void awaitConsuming(JarRun.Running... workers) throws Exception {
        for (JarRun.Running worker : workers) {
            worker.awaitStderr("management endpoints on");
        }
    }

    /** No two instances wrote one repository at overlapping times. */
    private static void assertNoOverlap(List<RegistryFront.Write> writes) {
        Map<String, List<RegistryFront.Write>> byRepository = writes.stream()
                .collect(Collectors.groupingBy(RegistryFront.Write::repository));
        byRepository.forEach((repository, its) -> {
            for (RegistryFront.Write a : its) {
                for (RegistryFront.Write b : its) {
                    boolean overlap = a.started() < b.ended() && b.started() < a.ended();
                    assertThat(overlap && !a.node().equals(b.node()))
                            .as("%s written by %s and %s at once", repository, a.node(), b.node()).isFalse();
                }
            }
        });
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

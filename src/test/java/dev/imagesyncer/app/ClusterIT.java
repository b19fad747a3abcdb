package dev.imagesyncer.app;

import dev.imagesyncer.cluster.EmbeddedBroker;
import dev.imagesyncer.testing.FaultProxy;
import dev.imagesyncer.testing.MirrorCheck;
import dev.imagesyncer.testing.PostgresExtension;
import dev.imagesyncer.testing.RegistryEndpoint;
import dev.imagesyncer.testing.RegistryFront;
import dev.imagesyncer.testing.RegistrySeeder;
import dev.imagesyncer.testing.Skopeo;
import dev.imagesyncer.testing.TestImage;
import dev.imagesyncer.testing.TestImages;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;

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

    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension();

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
            if (Files.exists(node.err())) {
                System.out.println("---- " + node.err() + "\n" + Files.readString(node.err()));
            }
        }
        front.close();
        broker.stop();
    }

    @Test
    void the_copies_of_a_run_spread_over_the_instances_and_each_repository_is_written_by_one_at_a_time()
            throws Exception {
        Map<String, TestImage> images = seed(12, "lab/spread-", 2, 64 * 1024);
        writeFiles(images, front);
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

    @Test
    void the_jobs_of_a_worker_killed_in_the_middle_of_a_copy_go_to_another_and_nothing_is_missing()
            throws Exception {
        Map<String, TestImage> images = seed(6, "lab/kill-", 1, 1 << 20);

        JarRun run = runLosingAWorker(images, JarRun.Running::kill);

        assertThat(run.summary()).startsWith("Sync finished (succeeded): 6 images synced");
        assertThat(run.stdout()).as("the jobs the killed worker held were copied by the other")
                .contains("(on w2)").doesNotContain("failed on");
    }

    @Test
    void a_worker_stopped_in_the_middle_of_a_copy_gives_its_jobs_back_and_takes_no_new_one() throws Exception {
        Map<String, TestImage> images = seed(6, "lab/stop-", 1, 1 << 20);

        JarRun run = runLosingAWorker(images, stopping -> {
            stopping.terminate();
            assertThat(stopping.finish().stderr()).doesNotContain(PASSWORD);
        });

        // what the stopping worker had pushed before its copies stopped, the other finds there: unchanged
        assertThat(run.summary()).startsWith("Sync finished (succeeded)").contains(" 0 failed")
                .containsPattern("(6 images synced, 0|5 images synced, 1|4 images synced, 2) unchanged");
        assertThat(run.stdout()).contains("(on w2)").doesNotContain("stopped on").doesNotContain("failed on");
    }

    /** What a test does to a worker in the middle of its copies. */
    private interface WorkerLoss {
        void apply(JarRun.Running worker) throws Exception;
    }

    /**
     * {@code images} copied by two workers through a slow front (256 KiB/s of upload), {@code loss} done to w1 a
     * second after it started copying; returns the planner's run, after checking that it succeeded and that every
     * image is in the target, byte-identical and whole.
     */
    private JarRun runLosingAWorker(Map<String, TestImage> images, WorkerLoss loss) throws Exception {
        try (FaultProxy slow = FaultProxy.in(target, 1).throttleRequestBodies(256 << 10)) {
            writeFiles(images, slow);
            JarRun.Running lost = worker("w1");
            JarRun.Running staying = worker("w2");
            awaitConsuming(lost, staying);

            JarRun.Running planner = JarRun.start(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml",
                    "--properties", properties("planner", 0).toString(), "--reports", "reports");
            started.add(planner);
            lost.awaitStderr("copying its jobs here too");
            Thread.sleep(1000);
            loss.apply(lost);
            JarRun run = planner.finish();

            assertThat(run.exitCode()).as(run.toString()).isZero();
            for (Map.Entry<String, TestImage> image : images.entrySet()) {
                assertThat(Skopeo.inspectRaw(target, "mirror/" + image.getKey() + ":v1"))
                        .isEqualTo(image.getValue().manifest());
                assertThat(MirrorCheck.danglingReferences(target, "mirror/" + image.getKey(), List.of("v1")))
                        .isEmpty();
            }
            return run;
        }
    }

    @Test
    void copies_that_no_instance_takes_fail_after_the_outcome_timeout_and_the_run_ends() throws Exception {
        Map<String, TestImage> images = seed(2, "lab/alone-", 1, 4096);
        writeFiles(images, target);
        Files.writeString(properties("p", 0), "sync.cluster.outcomeTimeout = 2\n",
                java.nio.file.StandardOpenOption.APPEND);

        JarRun run = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml",
                "--properties", "p.properties");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(255);
        assertThat(run.summary()).startsWith("Sync finished (failed): 0 images synced, 0 unchanged, 2 failed");
        assertThat(run.stdout()).contains("failed: no outcome came back from the cluster within 2 s");
    }

    /**
     * A planner killed while its jobs wait in the queue leaves its run open; once it stops checking in, the next
     * run (on any instance) closes it {@code incomplete}, and goes ahead.
     */
    @Test
    void a_run_whose_planner_was_killed_is_closed_incomplete_by_the_next_run() throws Exception {
        Map<String, TestImage> images = seed(3, "lab/orphan-", 1, 4096);
        writeFiles(images, target);
        Files.writeString(properties("p1", 0), "sync.cluster.jdbcUrl = " + postgres.jdbcUrl()
                + "\nsync.cluster.jdbcUser = " + PostgresExtension.USER + "\n", java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(properties("p2", 0), "sync.cluster.jdbcUrl = " + postgres.jdbcUrl()
                + "\nsync.cluster.jdbcUser = " + PostgresExtension.USER + "\n", java.nio.file.StandardOpenOption.APPEND);

        JarRun.Running first = JarRun.start(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml",
                "--properties", "p1.properties");
        started.add(first);
        first.awaitStderr("waiting for the outcomes of 3 copies in the cluster");
        first.kill();
        try (Connection db = DriverManager.getConnection(postgres.jdbcUrl(), PostgresExtension.USER, "")) {
            // as if its 15 s without a check-in had passed
            db.createStatement().execute("update camel_image_syncer_runs set checked_in = now() - interval '1 hour'"
                    + " where node = 'p1'");
            worker("w1");
            JarRun second = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml",
                    "--properties", "p2.properties");

            assertThat(second.exitCode()).as(second.toString()).isZero();
            assertThat(second.summary()).startsWith("Sync finished (succeeded)");
            for (String name : images.keySet()) {
                assertThat(Skopeo.inspectRaw(target, "mirror/" + name + ":v1")).isEqualTo(images.get(name).manifest());
            }
            ResultSet rows = db.createStatement().executeQuery("select node, status from camel_image_syncer_runs "
                    + "where node in ('p1', 'p2') order by started");
            List<String> runs = new ArrayList<>();
            while (rows.next()) {
                runs.add(rows.getString(1) + " " + rows.getString(2));
            }
            assertThat(runs).containsExactly("p1 incomplete", "p2 succeeded");
        }
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

    /** The images file (each image to {@code destination}/mirror/) and the auth file. */
    private void writeFiles(Map<String, TestImage> images, RegistryEndpoint destination) throws Exception {
        StringBuilder file = new StringBuilder();
        for (String name : images.keySet()) {
            file.append(source.host()).append("/lab/").append(name).append(":v1: ").append(destination.host())
                    .append("/mirror/").append(name).append('\n');
        }
        Files.writeString(work.resolve("images.yaml"), file);
        if (destination == target) {
            JarRun.writeInsecureAuth(work, source, target);
        } else {
            JarRun.writeInsecureAuth(work, source, target, destination);
        }
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

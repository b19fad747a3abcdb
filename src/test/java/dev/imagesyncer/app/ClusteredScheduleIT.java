package dev.imagesyncer.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagesyncer.testing.PostgresExtension;
import dev.imagesyncer.testing.RegistrySeeder;
import dev.imagesyncer.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Two instances on one schedule and one PostgreSQL: each slot fires on one of them, never on both. */
class ClusteredScheduleIT extends TwoRegistries {

    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension();

    @Test
    void two_instances_sharing_the_schedule_fire_each_slot_once() throws Exception {
        RegistrySeeder.of(source).push("lab/app", "v1", TestImages.ociManifest(1, 256));
        Files.writeString(work.resolve("images.yaml"), source.host() + "/lab/app: " + target.host() + "/mirror/app\n");
        JarRun.writeInsecureAuth(work, source, target);
        Files.writeString(work.resolve("application.properties"), "sync.cluster.jdbcUrl = " + postgres.jdbcUrl()
                + "\nsync.cluster.jdbcUser = " + PostgresExtension.USER + "\n");

        List<JarRun.Running> nodes = new ArrayList<>();
        for (String node : List.of("a", "b")) {
            nodes.add(JarRun.start(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml", "--schedule",
                    "@every 2s", "--http-port", Integer.toString(freePort()), "--reports", "reports-" + node));
        }
        Thread.sleep(15_000);
        List<String> logs = new ArrayList<>();
        for (JarRun.Running node : nodes) {
            node.terminate();
            logs.add(node.finish().stderr());
        }

        List<Long> slots = new ArrayList<>();
        for (String node : List.of("a", "b")) {
            Path reports = work.resolve("reports-" + node);
            if (!Files.isDirectory(reports)) {
                continue;
            }
            try (Stream<Path> files = Files.list(reports)) {
                for (Path report : files.filter(f -> f.getFileName().toString().startsWith("run-")).toList()) {
                    Instant started = Instant.parse(new ObjectMapper().readTree(report.toFile()).path("started")
                            .asText());
                    slots.add(started.getEpochSecond() / 2);
                }
            }
        }
        assertThat(slots).as("runs of both instances, by 2 s slot").hasSizeGreaterThanOrEqualTo(4)
                .doesNotHaveDuplicates();
        assertThat(logs).allSatisfy(log -> assertThat(log)
                .contains("fired by one instance of the cluster per slot (Quartz on PostgreSQL)"));
    }

    /**
     * A run open on another instance (checking in) makes this one's run skip; once that instance stops checking in,
     * the next run closes it as incomplete and goes ahead.
     */
    @Test
    void a_run_of_another_instance_makes_a_run_skip_until_that_instance_stops_checking_in() throws Exception {
        RegistrySeeder.of(source).push("lab/one", "v1", TestImages.ociManifest(1, 256));
        Files.writeString(work.resolve("images.yaml"), source.host() + "/lab/one: " + target.host() + "/mirror/one\n");
        JarRun.writeInsecureAuth(work, source, target);
        Files.writeString(work.resolve("application.properties"), "sync.cluster.jdbcUrl = " + postgres.jdbcUrl()
                + "\nsync.cluster.jdbcUser = " + PostgresExtension.USER + "\nsync.cluster.node = node-b\n");
        try (Connection db = DriverManager.getConnection(postgres.jdbcUrl(), PostgresExtension.USER, "")) {
            db.createStatement().execute("create table if not exists camel_image_syncer_runs (id text primary key, "
                    + "node text not null, status text not null, started timestamptz not null, "
                    + "checked_in timestamptz not null, finished timestamptz)");
            db.createStatement().execute("insert into camel_image_syncer_runs values ('20261129T000000.000Z', "
                    + "'node-a', 'running', now(), now(), null)");

            JarRun skipped = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml");
            db.createStatement().execute("update camel_image_syncer_runs set checked_in = now() - interval '1 hour'"
                    + " where node = 'node-a'");
            JarRun taken = JarRun.in(work, Map.of(), "--auth", "auth.yaml", "--images", "images.yaml");

            assertThat(skipped.stderr()).contains("sync run skipped: the run 20261129T000000.000Z of instance node-a "
                    + "has not finished");
            assertThat(skipped.exitCode()).isEqualTo(255);
            assertThat(skipped.stderr()).contains("error: no run went to its end: it was skipped");
            assertThat(taken.exitCode()).as(taken.toString()).isZero();
            assertThat(taken.summary()).startsWith("Sync finished (succeeded): 1 image synced");
            ResultSet rows = db.createStatement().executeQuery("select node, status from camel_image_syncer_runs "
                    + "where node in ('node-a', 'node-b') order by started");
            List<String> runs = new ArrayList<>();
            while (rows.next()) {
                runs.add(rows.getString(1) + " " + rows.getString(2));
            }
            assertThat(runs).containsExactly("node-a incomplete", "node-b succeeded");
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

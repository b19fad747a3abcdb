package dev.imagesyncer.cluster;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The runs of every instance of a cluster, in PostgreSQL (the database of the clustered schedule): a run that is
 * still open makes another instance's run skip, cluster-wide, as each instance's own guard does for its runs. An
 * open run checks in every {@code heartbeat}; one that has not for three of them (its instance died) is closed
 * {@value #INCOMPLETE} by the next instance that opens a run. Claims are serialised by a transaction-scoped
 * advisory lock, so two instances opening at once cannot both win.
 *
 * @param jdbcUrl   {@code jdbc:postgresql://host:port/database}
 * @param user      the database user
 * @param password  its password (never logged)
 * @param node      this instance's name, recorded with its runs
 * @param heartbeat how often an open run checks in
 */
public record RunsTable(String jdbcUrl, String user, String password, String node, Duration heartbeat) {

    /** The status of a run whose instance stopped checking in. */
    public static final String INCOMPLETE = "incomplete";
    private static final long CLAIM_LOCK = 0x72756e73_7461626cL;
    private static final ScheduledExecutorService CHECK_INS = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "runs-table-heartbeat");
        thread.setDaemon(true);
        return thread;
    });

    public RunsTable {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        user = user == null ? "" : user;
        password = password == null ? "" : password;
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(heartbeat, "heartbeat");
    }

    /** An open run of another instance: its id and instance. */
    public record OpenRun(String id, String node) {
    }

    /**
     * Opens run {@code runId} for this instance, unless a run of any instance is open (and checking in): then
     * that run. Runs whose instance stopped checking in are closed {@value #INCOMPLETE} first.
     *
     * @throws SQLException when the database cannot be used
     */
    public Optional<OpenRun> claim(String runId) throws SQLException {
        try (Connection connection = connect()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("select pg_advisory_xact_lock(" + CLAIM_LOCK + ")");
                statement.execute("create table if not exists camel_image_syncer_runs (id text primary key, "
                        + "node text not null, status text not null, started timestamptz not null, "
                        + "checked_in timestamptz not null, finished timestamptz)");
                long staleSeconds = Math.max(1, heartbeat.toSeconds() * 3);
                statement.executeUpdate("update camel_image_syncer_runs set status = '" + INCOMPLETE
                        + "', finished = now() where status = 'running' and checked_in < now() - interval '"
                        + staleSeconds + " seconds'");
                try (ResultSet open = statement.executeQuery("select id, node from camel_image_syncer_runs "
                        + "where status = 'running' order by started limit 1")) {
                    if (open.next()) {
                        connection.commit();
                        return Optional.of(new OpenRun(open.getString(1), open.getString(2)));
                    }
                }
                try (PreparedStatement insert = connection.prepareStatement("insert into camel_image_syncer_runs "
                        + "(id, node, status, started, checked_in) values (?, ?, 'running', now(), now())")) {
                    insert.setString(1, runId);
                    insert.setString(2, node);
                    insert.executeUpdate();
                }
                connection.commit();
                return Optional.empty();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /** Checks run {@code runId} in every {@code heartbeat} until {@link #close} is called on the result. */
    public AutoCloseable checkIn(String runId) {
        ScheduledFuture<?> task = CHECK_INS.scheduleWithFixedDelay(() -> {
            try {
                update(runId, "update camel_image_syncer_runs set checked_in = now() where id = ?");
            } catch (SQLException e) {
                // the next check-in tries again; three missed ones make another instance close the run
            }
        }, heartbeat.toMillis(), heartbeat.toMillis(), TimeUnit.MILLISECONDS);
        return () -> task.cancel(false);
    }

    /**
     * Closes run {@code runId} with {@code status} (its summary's).
     *
     * @throws SQLException when the database cannot be used
     */
    public void finish(String runId, String status) throws SQLException {
        try (Connection connection = connect();
             PreparedStatement update = connection.prepareStatement("update camel_image_syncer_runs set status = ?, "
                     + "finished = now() where id = ?")) {
            update.setString(1, status);
            update.setString(2, runId);
            update.executeUpdate();
        }
    }

    private void update(String runId, String sql) throws SQLException {
        try (Connection connection = connect(); PreparedStatement update = connection.prepareStatement(sql)) {
            update.setString(1, runId);
            update.executeUpdate();
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, user, password);
    }
}

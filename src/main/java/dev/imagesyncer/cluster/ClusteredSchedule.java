package dev.imagesyncer.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One firing of the schedule per slot across every instance: Quartz's clustered JDBC job store on PostgreSQL
 * ("Only one node will fire the job for each firing"; a node that dies is replaced at the next slot). Its tables
 * are created on first start from the SQL that Quartz ships ({@code tables_postgres.sql}), under a PostgreSQL
 * advisory lock so that two instances starting together do not both create them.
 *
 * @param jdbcUrl  {@code jdbc:postgresql://host:port/database}
 * @param user     the database user
 * @param password its password (may be empty for trusted local connections; never logged)
 */
public record ClusteredSchedule(String jdbcUrl, String user, String password) {

    /** Any number: the advisory lock the instances take while one of them creates Quartz's tables. */
    private static final long CREATE_LOCK = 0x696d6167_6573796eL;
    private static final String QUARTZ_SQL = "org/quartz/impl/jdbcjobstore/tables_postgres.sql";

    public ClusteredSchedule {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        user = user == null ? "" : user;
        password = password == null ? "" : password;
    }

    /** The {@code org.quartz.*} properties of a clustered JDBC job store on this database, for camel-quartz. */
    public Map<String, Object> quartzProperties() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("org.quartz.scheduler.instanceName", "camel-image-syncer");
        properties.put("org.quartz.scheduler.instanceId", "AUTO");
        properties.put("org.quartz.threadPool.threadCount", "2");
        properties.put("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        properties.put("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        properties.put("org.quartz.jobStore.isClustered", "true");
        properties.put("org.quartz.jobStore.clusterCheckinInterval", "2000");
        properties.put("org.quartz.jobStore.dataSource", "schedule");
        properties.put("org.quartz.dataSource.schedule.provider", "hikaricp");
        properties.put("org.quartz.dataSource.schedule.driver", "org.postgresql.Driver");
        properties.put("org.quartz.dataSource.schedule.URL", jdbcUrl);
        properties.put("org.quartz.dataSource.schedule.user", user);
        properties.put("org.quartz.dataSource.schedule.password", password);
        properties.put("org.quartz.dataSource.schedule.maxConnections", "3");
        return properties;
    }

    /**
     * Creates Quartz's tables unless they exist.
     *
     * @throws SQLException when the database cannot be reached or the tables cannot be made
     */
    public void createTables() throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, user, password);
             Statement statement = connection.createStatement()) {
            statement.execute("select pg_advisory_lock(" + CREATE_LOCK + ")");
            try {
                if (!statement.executeQuery("select to_regclass('qrtz_locks') is not null").next()
                        || !statement.getResultSet().getBoolean(1)) {
                    for (String sql : quartzSql().split(";")) {
                        String withoutComments = sql.lines().filter(line -> !line.strip().startsWith("--"))
                                .reduce("", (a, b) -> a + "\n" + b).strip();
                        if (!withoutComments.isEmpty() && !withoutComments.equalsIgnoreCase("commit")) {
                            statement.execute(withoutComments);
                        }
                    }
                }
            } finally {
                statement.execute("select pg_advisory_unlock(" + CREATE_LOCK + ")");
            }
        }
    }

    private static String quartzSql() throws SQLException {
        try (InputStream sql = ClusteredSchedule.class.getClassLoader().getResourceAsStream(QUARTZ_SQL)) {
            if (sql == null) {
                throw new SQLException(QUARTZ_SQL + " is not on the class path (Quartz 2.5 ships it)");
            }
            return new String(sql.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SQLException("reading " + QUARTZ_SQL + ": " + e.getMessage(), e);
        }
    }
}

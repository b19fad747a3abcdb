package dev.imagesyncer.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private PostgreSQL for a test class: Debian's PostgreSQL 15 ({@code /usr/lib/postgresql/15/bin}), a fresh
 * cluster in a temporary directory owned by the {@code postgres} user (initdb refuses to run as root, and CI runs
 * as root: it runs through {@code runuser}), listening on 127.0.0.1 on a free port, trusting local connections,
 * with one database {@value #DATABASE}. Stopped and deleted after the class.
 *
 * <pre>{@code
 * @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();
 * ... DriverManager.getConnection(postgres.jdbcUrl(), PostgresExtension.USER, "") ...
 * }</pre>
 */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback {

    public static final String USER = "postgres";
    public static final String DATABASE = "mirror";
    private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

    private Path dir;
    private int port;

    /** {@code jdbc:postgresql://127.0.0.1:<port>/mirror}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (!Files.isExecutable(BIN.resolve("initdb"))) {
            throw new IllegalStateException("PostgreSQL 15 is missing: apt-get install -y postgresql");
        }
        dir = Files.createTempDirectory("test-postgres-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        run(List.of("chown", USER + ":" + USER, dir.toString()));
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path data = dir.resolve("data");
        asPostgres(BIN.resolve("initdb").toString(), "-D", data.toString(), "-A", "trust", "-U", USER,
                "--no-sync");
        asPostgres(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("log").toString(),
                "-w", "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off", "start");
        asPostgres(BIN.resolve("createdb").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", USER,
                DATABASE);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (dir == null) {
            return;
        }
        try {
            asPostgres(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate",
                    "-w", "stop");
        } finally {
            run(List.of("rm", "-rf", dir.toString()));
        }
    }

    private static void asPostgres(String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of("runuser", "-u", USER, "--"));
        line.addAll(List.of(command));
        run(line);
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }
}

package dev.selfmodel.embedded;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;
import org.neo4j.server.configuration.ConfigurableServerModules;
import org.neo4j.server.configuration.ServerSettings;

/**
 * Runs a Neo4j Community DBMS in-process with the Bolt connector enabled and, with {@code
 * --http-port}, Neo4j Browser served over HTTP.
 *
 * <p>Usage: {@code EmbeddedNeo4j --data-dir DIR [--host H] [--port P] [--http-port P]
 * [--auth-password PW | --auth-password-stdin] [--pagecache-mb N] [--exit-with-parent]
 * [--warmup]}
 *
 * <p>{@code --data-dir} is the Neo4j home directory (databases, transaction logs and logs live
 * below it). Without a password authentication is disabled; with one, authentication is enabled
 * and the password of user {@code neo4j} is set to the given value on every start. Prefer {@code
 * --auth-password-stdin} (first line of stdin): the JVM command line is visible in {@code ps} and
 * Neo4j copies it into {@code logs/debug.log}.
 *
 * <p>{@code --exit-with-parent} stops the DBMS (cleanly) when the parent process exits. {@code
 * --warmup} runs a small throwaway workload before reporting ready; it exists to train a JVM
 * class-data-sharing archive and should only be used on a scratch data directory.
 *
 * <p>{@code --http-port} enables the HTTP connector on the same host with only the Browser module
 * (its static files at {@code /browser/}, plus the discovery document at {@code /}); no HTTP Cypher
 * endpoints. Without it there is no HTTP at all.
 *
 * <p>Prints {@code NEO4J_READY bolt://host:port} (followed by {@code http://host:port/browser/}
 * with {@code --http-port}) on stdout once the default database is available,
 * then blocks until the JVM is asked to exit (SIGTERM/SIGINT), at which point a shutdown hook stops
 * the DBMS cleanly.
 */
public final class EmbeddedNeo4j {
    public static final String READY_MARKER = "NEO4J_READY";
    public static final String STOPPED_MARKER = "NEO4J_STOPPED";

    private EmbeddedNeo4j() {}

    private static void usage(String error) {
        PrintStream err = System.err;
        if (error != null) {
            err.println("error: " + error);
        }
        err.println(
                "usage: EmbeddedNeo4j --data-dir DIR [--host 127.0.0.1] [--port 7687] [--http-port 7474]"
                        + " [--auth-password PASSWORD | --auth-password-stdin] [--pagecache-mb 64]"
                        + " [--exit-with-parent] [--warmup]");
        System.exit(2);
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = null;
        String host = "127.0.0.1";
        int port = 7687;
        String password = null;
        long pagecacheMb = 64;
        boolean exitWithParent = false;
        boolean warmup = false;
        int httpPort = -1; // none: no HTTP connector, no Browser

        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--exit-with-parent")) {
                exitWithParent = true;
                continue;
            }
            if (arg.equals("--warmup")) {
                warmup = true;
                continue;
            }
            if (arg.equals("--auth-password-stdin")) {
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                password = in.readLine();
                if (password == null) {
                    usage("--auth-password-stdin: no password on stdin");
                }
                continue;
            }
            if (arg.equals("-h") || arg.equals("--help")) {
                usage(null);
            }
            if (i + 1 >= args.length) {
                usage("missing value for " + arg);
            }
            String value = args[++i];
            switch (arg) {
                case "--data-dir" -> dataDir = Path.of(value).toAbsolutePath().normalize();
                case "--host" -> host = value;
                case "--port" -> port = parseInt(arg, value);
                case "--http-port" -> httpPort = parseInt(arg, value);
                case "--auth-password" -> password = value;
                case "--pagecache-mb" -> pagecacheMb = parseInt(arg, value);
                default -> usage("unknown argument " + arg);
            }
        }
        if (httpPort == 0) {
            usage("--http-port needs a fixed port: the Browser is told the advertised one");
        }
        if (dataDir == null) {
            usage("--data-dir is required");
        }
        if (password != null && password.isEmpty()) {
            usage("--auth-password must not be empty");
        }
        Files.createDirectories(dataDir);

        long maxHeap = Runtime.getRuntime().maxMemory();
        DatabaseManagementServiceBuilder builder =
                new DatabaseManagementServiceBuilder(dataDir)
                        .setConfig(BoltConnector.enabled, true)
                        .setConfig(BoltConnector.listen_address, new SocketAddress(host, port))
                        .setConfig(BoltConnector.advertised_address, new SocketAddress(host, port))
                        .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                        .setConfig(HttpConnector.enabled, httpPort > 0)
                        .setConfig(HttpConnector.listen_address, new SocketAddress(host, Math.max(httpPort, 1)))
                        .setConfig(HttpConnector.advertised_address, new SocketAddress(host, Math.max(httpPort, 1)))
                        // Only the Browser's static files (and the always-on discovery document at /):
                        // no HTTP Cypher endpoints, no unmanaged extensions.
                        .setConfig(ServerSettings.http_enabled_modules, EnumSet.of(ConfigurableServerModules.BROWSER))
                        .setConfig(ServerSettings.http_logging_enabled, false)
                        // The Browser collects no usage data.
                        .setConfig(ServerSettings.allow_telemetry, false)
                        .setConfig(HttpsConnector.enabled, false)
                        .setConfig(GraphDatabaseSettings.auth_enabled, password != null)
                        // A local dev/test DBMS: accept any non-empty password.
                        .setConfig(GraphDatabaseSettings.auth_minimum_password_length, 1)
                        .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pagecacheMb))
                        // Keep transactions from exhausting the (small) heap: fail the transaction instead.
                        .setConfig(GraphDatabaseSettings.memory_transaction_global_max_size, maxHeap / 2)
                        // No 256 MiB pre-allocated transaction log files on a dev box.
                        .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                        // Never phone home.
                        .setConfig(GraphDatabaseSettings.udc_enabled, false)
                        // Netty's graceful shutdown otherwise idles 2 x 5 s after the stores are closed.
                        .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                        .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(5));

        AtomicReference<DatabaseManagementService> serviceRef = new AtomicReference<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    DatabaseManagementService svc = serviceRef.getAndSet(null);
                                    if (svc != null) {
                                        try {
                                            svc.shutdown();
                                        } catch (Throwable t) {
                                            t.printStackTrace();
                                        }
                                        System.out.println(STOPPED_MARKER);
                                        System.out.flush();
                                    }
                                    stopped.countDown();
                                },
                                "neo4j-shutdown"));

        if (exitWithParent) {
            ProcessHandle.current()
                    .parent()
                    .ifPresent(parent -> parent.onExit().thenRun(() -> System.exit(0)));
        }

        try {
            DatabaseManagementService service = builder.build();
            serviceRef.set(service);

            if (password != null) {
                setPassword(service, password);
            }

            GraphDatabaseService db = service.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
            while (!db.isAvailable(1000)) {
                if (serviceRef.get() == null) {
                    return; // shutting down
                }
            }

            if (warmup) {
                warmup(db);
            }
        } catch (Throwable t) {
            // Neo4j's non-daemon threads would otherwise keep a half-started JVM alive.
            System.err.println("error: Neo4j failed to start");
            t.printStackTrace();
            System.exit(1);
        }

        System.out.println(READY_MARKER + " bolt://" + SocketAddress.format(host, port)
                + (httpPort > 0 ? " http://" + SocketAddress.format(host, httpPort) + "/browser/" : ""));
        System.out.flush();

        stopped.await();
    }

    /** Exercises schema, write, read and vector-index code paths (loads their classes). */
    private static void warmup(GraphDatabaseService db) {
        String[] statements = {
            "CREATE CONSTRAINT warmup_c IF NOT EXISTS FOR (n:Warmup) REQUIRE (n.a, n.b) IS UNIQUE",
            "CREATE INDEX warmup_i IF NOT EXISTS FOR (n:Warmup) ON (n.k)",
            "CREATE VECTOR INDEX warmup_v IF NOT EXISTS FOR (n:Warmup) ON (n.e) OPTIONS {indexConfig:"
                    + " {`vector.dimensions`: 3, `vector.similarity_function`: 'cosine'}}",
            "CALL db.awaitIndexes()",
            "UNWIND range(1, 50) AS i CREATE (n:Warmup {a: i, b: i % 7, k: toString(i),"
                    + " e: [1.0, toFloat(i), 0.5], t: datetime()})",
            "MATCH (a:Warmup {a: 1}), (b:Warmup {a: 2}) MERGE (a)-[r:NEXT {w: 1}]->(b) RETURN r",
            "MATCH (n:Warmup) WHERE n.k = $k OPTIONAL MATCH (n)-[r]->(m) RETURN n, r, m",
            "MATCH (n:Warmup) WITH n.b AS b, collect(n.a) AS xs, count(*) AS c"
                    + " RETURN b, xs, c ORDER BY b LIMIT 3",
            "CALL db.index.vector.queryNodes('warmup_v', 5, [1.0, 2.0, 0.5]) YIELD node, score"
                    + " RETURN node.a, score",
            "MATCH (n:Warmup) DETACH DELETE n",
            "DROP INDEX warmup_v",
            "DROP INDEX warmup_i",
            "DROP CONSTRAINT warmup_c",
        };
        for (String statement : statements) {
            try {
                db.executeTransactionally(statement, Map.of("k", "7"));
            } catch (RuntimeException e) {
                System.err.println("warmup: " + statement + ": " + e.getMessage());
            }
        }
    }

    private static int parseInt(String flag, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            usage("invalid integer for " + flag + ": " + value);
            return -1; // unreachable
        }
    }

    /** Sets the password of the built-in {@code neo4j} user via the system database. */
    private static void setPassword(DatabaseManagementService service, String password) {
        GraphDatabaseService system = service.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PLAINTEXT PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
        } catch (RuntimeException e) {
            // Re-setting the current password is rejected ("Old password and new password cannot be
            // the same"); that means it is already what we want. Just clear the change-required flag.
            String msg = String.valueOf(e.getMessage());
            if (!msg.contains("cannot be the same")) {
                throw e;
            }
            system.executeTransactionally("ALTER USER neo4j SET PASSWORD CHANGE NOT REQUIRED");
            System.err.println("auth: password of user neo4j unchanged");
            return;
        }
        System.err.println("auth: password of user neo4j set");
    }
}

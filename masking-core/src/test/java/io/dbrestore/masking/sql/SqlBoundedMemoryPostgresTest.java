package io.dbrestore.masking.sql;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link SqlBoundedMemoryContract} on PostgreSQL, whose driver ignores the fetch size outside a
 * transaction and holds a whole result in memory: the split (every key, in order) and the
 * verification (every row) did that.
 */
class SqlBoundedMemoryPostgresTest extends SqlBoundedMemoryContract {
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

  @Override
  String childUrl() {
    return postgres.getJdbcUrl("postgres", "postgres");
  }

  @Override
  Connection connect() throws SQLException {
    return postgres.getPostgresDatabase().getConnection();
  }
}

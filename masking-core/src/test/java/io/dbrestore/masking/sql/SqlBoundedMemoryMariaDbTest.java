package io.dbrestore.masking.sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link SqlBoundedMemoryContract} on MariaDB ({@link EmbeddedMariaDb}), whose driver reads a whole
 * result into memory unless a fetch size is set.
 */
class SqlBoundedMemoryMariaDbTest extends SqlBoundedMemoryContract {
  static EmbeddedMariaDb server;

  @BeforeAll
  static void start() throws Exception {
    server = EmbeddedMariaDb.start();
    try (Connection c = server.connect();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE crm");
      s.execute("CREATE TABLE crm.big (id VARCHAR(300) PRIMARY KEY, email TEXT, filler TEXT)");
      // seq_1_to_N: MariaDB's Sequence engine.
      s.execute(
          "INSERT INTO crm.big SELECT LPAD(seq, 300, 'k'), CONCAT('user', seq, '@mail.test'),"
              + " REPEAT('x', 300) FROM crm.seq_1_to_"
              + ROWS);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Override
  String childUrl() {
    return server.url + "?user=root&password=";
  }

  @Override
  Connection connect() throws SQLException {
    return server.connect();
  }
}

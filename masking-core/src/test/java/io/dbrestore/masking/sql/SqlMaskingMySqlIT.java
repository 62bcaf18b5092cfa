package io.dbrestore.masking.sql;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.testcontainers.containers.MySQLContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The SQL masking contract on MySQL 8.0 (the Aurora MySQL 3 family) in Docker, through MySQL
 * Connector/J; skipped where Docker is not available. The engine connects as root, as a masking
 * user with full rights on its throwaway copy would. Not run where this was written (no Docker):
 * the --skip-log-bin it needs now is untested.
 */
@Testcontainers(disabledWithoutDocker = true)
class SqlMaskingMySqlIT extends MySqlFamilyContract {
  @Container
  static final MySQLContainer<?> MYSQL =
      new MySQLContainer<>("mysql:8.0")
          .withUsername("root")
          // MySQL 8 logs a binlog by default; the engine refuses to mask with one (the masking
          // cluster must not log one, as Aurora MySQL does not by default).
          .withCommand("--skip-log-bin");

  @Override
  String url() {
    return MYSQL.getJdbcUrl();
  }

  @Override
  Connection connect() throws SQLException {
    return DriverManager.getConnection(
        MYSQL.getJdbcUrl(), MYSQL.getUsername(), MYSQL.getPassword());
  }

  /** MySQL has a JSON type (MariaDB's JSON is text with a check). */
  @Override
  String jsonColumn(String column) {
    return column + " JSON";
  }

  @Override
  String jsonText(String column) {
    return "CAST(" + column + " AS CHAR)";
  }
}

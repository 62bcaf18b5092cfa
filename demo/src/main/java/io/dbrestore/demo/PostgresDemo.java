package io.dbrestore.demo;

import io.dbrestore.masking.cli.MaskingInputs;
import io.dbrestore.masking.engine.MaskingException;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingResult;
import io.dbrestore.masking.report.SummaryTable;
import io.dbrestore.masking.sql.SqlMasking;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The demo's PostgreSQL half: an embedded PostgreSQL 16 with a small CRM whose customers share
 * their e-mail addresses with the MongoDB shop, masked by the SQL engine with the same rules and
 * key, so the demo can show one person's e-mail masked alike in both.
 */
final class PostgresDemo {
  record Outcome(String maskedEmail, long rows, double seconds) {}

  private PostgresDemo() {}

  static Outcome run(MaskingPlan plan, List<String> emails, int parallelism, PrintWriter out)
      throws IOException, SQLException {
    try (EmbeddedPostgres postgres =
        EmbeddedPostgres.builder()
            // The server's own start-up and shutdown lines are not the demo's story.
            .setOutputRedirector(ProcessBuilder.Redirect.DISCARD)
            .setErrorRedirector(ProcessBuilder.Redirect.DISCARD)
            .start()) {
      String url = "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
      try (Connection c = postgres.getPostgresDatabase().getConnection()) {
        createCrm(c, emails);
      }
      out.printf(
          "Embedded PostgreSQL on localhost:%d: schema crm with %,d customers sharing their"
              + " e-mails with the MongoDB shop.%n",
          postgres.getPort(), emails.size());
      out.flush();
      MaskingResult result;
      try {
        result =
            new SqlMasking(
                    url,
                    () -> postgres.getPostgresDatabase().getConnection(),
                    plan,
                    SqlMasking.defaultOptions().withParallelism(parallelism).withUnitSize(1_000))
                .run();
      } catch (MaskingException e) {
        throw MaskingInputs.toJobException(e);
      }
      out.println();
      out.print(SummaryTable.renderTables(result.collections(), result.seconds()));
      out.println();
      String masked;
      try (Connection c = postgres.getPostgresDatabase().getConnection();
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT email FROM crm.customers WHERE id = 1")) {
        rs.next();
        masked = rs.getString(1);
      }
      long rows = result.manifest().values().stream().mapToLong(Long::longValue).sum();
      return new Outcome(masked, rows, result.seconds());
    }
  }

  /**
   * The demo's CRM schema and rows: customers sharing {@code emails} with the MongoDB shop, their
   * orders, countries and login attempts (also what the rules tooling's tests compare with).
   */
  static void createCrm(Connection c, List<String> emails) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA crm");
      s.execute(
          "CREATE TABLE crm.customers (id BIGINT PRIMARY KEY, email TEXT UNIQUE NOT NULL,"
              + " full_name TEXT, phone TEXT, birthday DATE, preferences JSONB)");
      s.execute(
          "CREATE TABLE crm.orders (id BIGINT PRIMARY KEY, customer_email TEXT REFERENCES"
              + " crm.customers(email), total NUMERIC(10, 2))");
      s.execute("CREATE TABLE crm.countries (code TEXT PRIMARY KEY, name TEXT)");
      s.execute("CREATE TABLE crm.login_attempts (id BIGINT PRIMARY KEY, ip TEXT)");
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO crm.customers VALUES (?, ?, ?, ?, DATE '1985-01-01' + ?,"
                  + " CAST(? AS jsonb))")) {
        for (int i = 0; i < emails.size(); i++) {
          ps.setLong(1, i + 1);
          ps.setString(2, emails.get(i));
          ps.setString(3, "Zarevo Quenby " + i);
          ps.setString(4, String.format("+81 80-%04d-%04d", i % 10_000, (i * 7) % 10_000));
          ps.setInt(5, i % 9000);
          ps.setString(
              6,
              "{\"newsletter\": "
                  + (i % 2 == 0)
                  + ", \"contacts\": [{\"email\": \"alt"
                  + i
                  + "@mail.test\"}]}");
          ps.addBatch();
        }
        ps.executeBatch();
      }
      s.execute(
          "INSERT INTO crm.orders SELECT g, c.email, (g % 500) + 0.99 FROM"
              + " generate_series(1, 3 * (SELECT count(*) FROM crm.customers)) g"
              + " JOIN crm.customers c ON c.id = 1 + (g % (SELECT count(*) FROM crm.customers))");
      s.execute("INSERT INTO crm.countries VALUES ('JP', 'Japan'), ('FR', 'France')");
      s.execute(
          "INSERT INTO crm.login_attempts SELECT g, '10.0.' || (g % 250) || '.' || (g % 200)"
              + " FROM generate_series(1, 500) g");
    }
  }
}

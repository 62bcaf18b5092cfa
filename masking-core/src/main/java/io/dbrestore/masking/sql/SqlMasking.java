package io.dbrestore.masking.sql;

import io.dbrestore.masking.engine.DocumentMasker;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingResult;
import io.dbrestore.masking.engine.MaskingRun;
import io.dbrestore.masking.engine.Progress;
import io.dbrestore.masking.engine.RunOptions;
import io.dbrestore.masking.engine.Sample;
import io.dbrestore.masking.rules.Rules;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;

/**
 * Masks an SQL database (PostgreSQL, MySQL, MariaDB) in place with the same plans, strategies and
 * verification idea as the MongoDB engine, so that a value masks identically in both.
 *
 * <p>Rows are streamed through the client by primary-key ranges; each batch is its own short
 * transaction that also moves the range's checkpoint, so a run killed at any point resumes with
 * every row masked exactly once. Several ranges, of one table or of several, run at once.
 *
 * <p>Fail closed before any write: every table of the declared schemas must be declared, every
 * column of a masked table too; a masked table needs a primary key, and UPDATE triggers must be off
 * for the session (PostgreSQL) or the table is refused (MySQL family).
 *
 * <p>The steps of a run are {@link MaskingRun}'s; what they read and write is {@link SqlEngine}'s:
 * {@link SqlInventory}, {@link SqlCheckpoints}, {@link RangeMasking}, {@link SqlVerification}.
 */
public final class SqlMasking {
  /** Opens a connection to the database being masked. */
  @FunctionalInterface
  public interface Connections {
    Connection open() throws SQLException;
  }

  private final Connections connections;
  private final SqlDialect dialect;
  private final MaskingPlan plan;
  private final RunOptions options;

  public SqlMasking(String jdbcUrl, Connections connections, MaskingPlan plan, RunOptions options) {
    this.connections = connections;
    this.dialect = SqlDialect.forUrl(jdbcUrl);
    this.plan = plan;
    this.options = options;
  }

  /** 8 workers, batches of 2,000 rows, ranges of 200,000. */
  public static RunOptions defaultOptions() {
    return new RunOptions(8, 2_000, 200_000, false, Progress.NONE);
  }

  /**
   * Driver properties the engine writes fastest with, for the database a JDBC URL names; callers
   * add them to their connection properties.
   */
  public static java.util.Properties connectionProperties(String jdbcUrl) {
    java.util.Properties p = new java.util.Properties();
    p.putAll(SqlDialect.forUrl(jdbcUrl).connectionProperties());
    return p;
  }

  /** Masks every declared table, then runs the verification gate. */
  public MaskingResult run() throws SQLException {
    return maskingRun().run();
  }

  /**
   * Up to {@code perTable} rows of each masked table, masked in memory only: what a dry run shows.
   * Writes nothing.
   */
  public List<Sample> samples(int perTable) throws SQLException {
    List<Sample> samples = new ArrayList<>();
    try (Connection c = connections.open()) {
      for (String schema : dialect.schemas(c)) {
        for (Table table : dialect.tables(c, schema)) {
          var p = plan.collection(schema, table.name());
          if (p.isEmpty() || p.get().mode() != Rules.Mode.MASK) {
            continue;
          }
          DocumentMasker masker = new DocumentMasker(p.get().tree());
          try (Statement s = c.createStatement();
              ResultSet rs =
                  s.executeQuery(
                      "SELECT * FROM " + dialect.qualified(table) + dialect.limit(perTable))) {
            while (rs.next()) {
              Document row = new Document();
              for (int i = 0; i < table.columns().size(); i++) {
                Table.Column column = table.columns().get(i);
                row.put(column.name(), Rows.read(column, rs.getObject(column.name())));
              }
              DocumentMasker.Result r = masker.mask(row, (path, n) -> {});
              Document after = new Document(row);
              after.putAll(r.set());
              r.unset().forEach(col -> after.put(col, null));
              samples.add(new Sample(table.qualifiedName(), row, after));
            }
          }
        }
      }
    }
    return samples;
  }

  /** Runs only the verification gate on a copy masked earlier with these rules. */
  public MaskingResult verifyOnly() throws SQLException {
    return maskingRun().verifyOnly();
  }

  private MaskingRun<TableTarget, Range, SQLException> maskingRun() {
    return new MaskingRun<>(new SqlEngine(connections, dialect, plan, options), plan, options);
  }
}

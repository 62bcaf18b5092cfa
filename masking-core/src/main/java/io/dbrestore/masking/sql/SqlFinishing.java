package io.dbrestore.masking.sql;

import io.dbrestore.masking.engine.FieldTree;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.VerificationFindings;
import io.dbrestore.masking.rules.Rules;
import io.dbrestore.masking.strategy.FormCheck;
import io.dbrestore.masking.strategy.Strategy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishing the copy: after masking and before verification, what a snapshot carries beyond the
 * live rows is cleaned. Every table the run wrote (masked or emptied) is rewritten and its
 * statistics rebuilt ({@link SqlDialect#finishTable}); materialized views the rules empty are
 * emptied; the server's query texts and log tables are emptied. Every step is idempotent and runs
 * on every run, so a run resumed after a crash between masking and finishing finishes.
 */
final class SqlFinishing {
  private static final Logger LOG = LoggerFactory.getLogger(SqlFinishing.class);

  private final SqlMasking.Connections connections;
  private final SqlDialect dialect;
  private final MaskingPlan plan;

  SqlFinishing(SqlMasking.Connections connections, SqlDialect dialect, MaskingPlan plan) {
    this.connections = connections;
    this.dialect = dialect;
    this.plan = plan;
  }

  /** Finishes the copy; returns the seconds spent finishing each table it finished. */
  Map<String, Double> finish(List<TableTarget> targets) throws SQLException {
    Map<String, Double> seconds = new LinkedHashMap<>();
    try (Connection c = connections.open()) {
      c.setAutoCommit(true);
      // Finishing runs DDL (ALTER TABLE, VACUUM FULL): relaxed, so that only the event triggers
      // the inventory checked (and refused) could fire.
      dialect.relaxSession(c);
      for (TableTarget t : targets) {
        if (t.plan().mode() == Rules.Mode.KEEP) {
          continue;
        }
        long t0 = System.nanoTime();
        dialect.finishTable(c, t.table());
        double s = (System.nanoTime() - t0) / 1e9;
        seconds.put(t.name(), s);
        LOG.info("{}: finished (rewritten, statistics rebuilt) in {} s", t.name(), s);
      }
      for (String schema : dialect.schemas(c)) {
        for (String mv : dialect.materializedViews(c, schema)) {
          var p = plan.collection(schema, mv);
          if (p.isPresent() && p.get().mode() == Rules.Mode.EMPTY) {
            long t0 = System.nanoTime();
            dialect.emptyMaterializedView(c, schema, mv);
            double s = (System.nanoTime() - t0) / 1e9;
            seconds.put(schema + "." + mv, s);
            LOG.info("{}.{}: materialized view emptied in {} s", schema, mv, s);
          }
        }
      }
      dialect.finishServer(c);
    }
    return seconds;
  }

  /**
   * Checks the finishing: the statistics of every masked text column hold only values in masked
   * form, an emptied table's statistics hold no value, and no materialized view holds rows.
   */
  void verify(List<TableTarget> targets, VerificationFindings findings) throws SQLException {
    try (Connection c = connections.open()) {
      for (TableTarget t : targets) {
        if (t.plan().mode() == Rules.Mode.KEEP) {
          continue;
        }
        for (Table.Column column : t.table().columns()) {
          Strategy strategy = null;
          if (t.plan().mode() == Rules.Mode.MASK) {
            FieldTree node = t.plan().tree().child(column.name());
            strategy = node == null ? null : node.strategy();
            if (strategy == null || strategy.keeps() || column.json() || !text(column)) {
              continue;
            }
          }
          int bad = 0;
          for (String value : dialect.statisticsValues(c, t.table(), column.name())) {
            Object read = column.fixedWidth() ? Rows.unpad(value) : value;
            if (strategy == null || strategy.check(read) == FormCheck.NOT_MASKED) {
              bad++;
            }
          }
          if (bad > 0) {
            findings.problem(
                t.name()
                    + ": the statistics of column "
                    + column.name()
                    + " hold "
                    + bad
                    + " values not in masked form (finishing did not rebuild them)");
          }
        }
      }
      for (String schema : dialect.schemas(c)) {
        for (String mv : dialect.materializedViews(c, schema)) {
          if (dialect.populated(c, schema, mv)) {
            findings.problem(
                schema + "." + mv + ": materialized view holds rows (finishing did not empty it)");
          }
        }
      }
    }
  }

  private static boolean text(Table.Column column) {
    String type = column.type().toLowerCase(Locale.ROOT);
    return type.contains("char") || type.contains("text");
  }
}

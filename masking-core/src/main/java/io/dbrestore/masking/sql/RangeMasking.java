package io.dbrestore.masking.sql;

import io.dbrestore.masking.engine.DocumentMasker;
import io.dbrestore.masking.engine.Engine;
import io.dbrestore.masking.engine.FieldTree;
import io.dbrestore.masking.engine.MaskingPlan.CollectionPlan;
import io.dbrestore.masking.engine.PhaseProgress;
import io.dbrestore.masking.engine.RunOptions;
import io.dbrestore.masking.engine.RunTotals;
import io.dbrestore.masking.engine.Workers;
import io.dbrestore.masking.rules.Rules;
import io.dbrestore.masking.strategy.Strategy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Masks tables range by range: rows are streamed through the client by primary-key ranges, and each
 * batch is its own short transaction that also moves the range's checkpoint ({@link
 * SqlCheckpoints}), so a run killed at any point resumes with every row masked exactly once.
 */
final class RangeMasking {
  private static final Logger LOG = LoggerFactory.getLogger(RangeMasking.class);

  private final SqlMasking.Connections connections;
  private final SqlDialect dialect;
  private final RunOptions options;
  private final SqlCheckpoints checkpoints;

  RangeMasking(
      SqlMasking.Connections connections,
      SqlDialect dialect,
      RunOptions options,
      SqlCheckpoints checkpoints) {
    this.connections = connections;
    this.dialect = dialect;
    this.options = options;
    this.checkpoints = checkpoints;
  }

  /**
   * Cuts every masked table into ranges of about {@code unitSize} rows by its primary key; the
   * phase's progress counts every row of those tables.
   */
  Engine.Work<Range> split(List<TableTarget> targets) throws SQLException {
    List<Range> ranges = new ArrayList<>();
    long total = 0;
    try (Connection c = connections.open()) {
      for (TableTarget t : targets) {
        if (t.plan().mode() != Rules.Mode.MASK) {
          continue;
        }
        List<Range> tableRanges = split(c, t);
        ranges.addAll(tableRanges);
        total += t.rows();
      }
    }
    return new Engine.Work<>(ranges, total);
  }

  private List<Range> split(Connection c, TableTarget t) throws SQLException {
    List<Range> ranges = new ArrayList<>();
    if (t.rows() <= options.unitSize()) {
      ranges.add(new Range(t, 0, null, null, t.rows()));
      return ranges;
    }
    List<String> key = t.table().primaryKey();
    String columns = String.join(", ", key.stream().map(dialect::quote).toList());
    Rows.streaming(
        c,
        () -> {
          List<Object> lo = null;
          long n = 0;
          try (Statement s = c.createStatement()) {
            s.setFetchSize(10_000);
            try (ResultSet rs =
                s.executeQuery(
                    "SELECT "
                        + columns
                        + " FROM "
                        + dialect.relation(t.table())
                        + " ORDER BY "
                        + columns)) {
              while (rs.next()) {
                if (n > 0 && n % options.unitSize() == 0) {
                  List<Object> hi = readKey(rs, key.size(), 0);
                  ranges.add(new Range(t, ranges.size(), lo, hi, options.unitSize()));
                  lo = hi;
                }
                n++;
              }
            }
          }
          ranges.add(
              new Range(t, ranges.size(), lo, null, n - (long) ranges.size() * options.unitSize()));
        });
    return ranges;
  }

  private static List<Object> readKey(ResultSet rs, int size, int offset) throws SQLException {
    List<Object> key = new ArrayList<>(size);
    for (int i = 1; i <= size; i++) {
      key.add(rs.getObject(offset + i));
    }
    return key;
  }

  /** {@code (a, b) > (?, ?)}: row comparison, one index range scan in both dialects. */
  private String rowCompare(List<String> key, String op) {
    String cols = String.join(", ", key.stream().map(dialect::quote).toList());
    String params = String.join(", ", key.stream().map(k -> "?").toList());
    return "(" + cols + ") " + op + " (" + params + ")";
  }

  /** What one batch read, wrote and found; applied to the run's totals once it has committed. */
  /**
   * @param rows rows read
   * @param again rows read again: masked already, moved ahead in key order by masking their key
   */
  private record Batch(
      int rows, int again, List<Object> after, int changed, Map<String, Long> undeclared) {}

  /** Deadlock or serialization failure: the batch was rolled back and can run again. */
  private static boolean retryable(SQLException e) {
    for (Throwable x = e; x != null; x = x.getCause()) {
      if (x instanceof SQLException sql) {
        for (SQLException next = sql; next != null; next = next.getNextException()) {
          String state = next.getSQLState();
          if ("40001".equals(state) || "40P01".equals(state)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static final int BATCH_ATTEMPTS = 10;

  /**
   * Masks a range batch by batch, from its checkpoint; a batch rolled back by a deadlock or a
   * serialization failure runs again.
   */
  void mask(Range range, RunTotals totals, PhaseProgress progress) {
    AtomicLong maskedCount = totals.masked(range.target().name());
    Table table = range.target().table();
    CollectionPlan p = range.target().plan();
    List<String> key = table.primaryKey();
    String rangeId = SqlCheckpoints.rangeId(table, range.index());
    try (Connection c = connections.open()) {
      dialect.relaxSession(c);
      c.setAutoCommit(false);
      List<Object> after = range.lo();
      boolean inclusive = true;
      boolean resumed = false;
      long read = 0;
      if (!options.dryRun()) {
        String saved = checkpoints.loadRange(c, table, rangeId);
        if ("done".equals(saved)) {
          c.commit();
          return;
        }
        if (saved != null) {
          after = KeyCodec.decode(saved);
          inclusive = false;
          resumed = true;
        }
        c.commit();
      }
      DocumentMasker masker = new DocumentMasker(p.tree());
      // Masking a primary-key column moves the row in key order, where this or another range may
      // meet it again. Those columns use unique strategies whose output form is exact, so a row
      // whose key is already in masked form was masked already and is skipped.
      List<Strategy> maskedKey = new ArrayList<>();
      List<String> maskedKeyColumns = new ArrayList<>();
      for (String k : key) {
        FieldTree node = p.tree().child(k);
        if (node != null && node.strategy() != null && !node.strategy().keeps()) {
          maskedKey.add(node.strategy());
          maskedKeyColumns.add(k);
        }
      }
      while (true) {
        Workers.checkCancelled();
        Batch batch = null;
        for (int attempt = 1; batch == null; attempt++) {
          try {
            batch = batch(c, range, rangeId, masker, maskedKey, maskedKeyColumns, after, inclusive);
          } catch (SQLException e) {
            // InnoDB deadlocks where concurrent ranges move rows by masking their key: the
            // batch's transaction (writes and checkpoint) was rolled back; run it again.
            if (options.dryRun() || !retryable(e) || attempt >= BATCH_ATTEMPTS) {
              throw e;
            }
            c.rollback();
            LOG.info(
                "{}: batch rolled back (SQL state {}), attempt {}",
                rangeId,
                e.getSQLState(),
                attempt);
            try {
              Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(5, 50));
            } catch (InterruptedException ie) {
              Thread.currentThread().interrupt();
              throw new Workers.Cancelled();
            }
          }
        }
        after = batch.after();
        inclusive = false;
        batch
            .undeclared()
            .forEach((path, n) -> totals.undeclared().add(p.qualifiedName(), path, n));
        maskedCount.addAndGet(batch.changed());
        progress.add(batch.rows() - batch.again());
        read += batch.rows();
        if (batch.rows() < options.batchSize()) {
          checkRead(range, read, resumed || !maskedKey.isEmpty());
          return;
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "masking "
              + table.qualifiedName()
              + " failed (SQL state "
              + e.getSQLState()
              + ", error "
              + e.getErrorCode()
              + ")",
          e);
    }
  }

  /**
   * A range that read another number of rows than the split planned fails the run: the table
   * changed under the masking pass (rows added or deleted behind its back), so what it masked is
   * not what the inventory counted. Not checkable when the range resumed from a checkpoint or its
   * key is masked (masked rows move within the key order, in and out of ranges); the gate's full
   * read and row count cover those.
   */
  private static void checkRead(Range range, long read, boolean uncheckable) {
    if (!uncheckable && read != range.rows()) {
      throw new io.dbrestore.masking.engine.MaskingException(
          io.dbrestore.masking.engine.MaskingException.Kind.VERIFICATION_FAILED,
          "range-count",
          range.target().name()
              + ": key range #"
              + range.index()
              + " read "
              + read
              + " rows where "
              + range.rows()
              + " were planned: the table changed while it was masked; restore a fresh copy");
    }
  }

  /**
   * Reads, masks and writes the next batch of a range with its checkpoint, in one transaction
   * (committed here unless this is a dry run).
   */
  private Batch batch(
      Connection c,
      Range range,
      String rangeId,
      DocumentMasker masker,
      List<Strategy> maskedKey,
      List<String> maskedKeyColumns,
      List<Object> after,
      boolean inclusive)
      throws SQLException {
    Table table = range.target().table();
    List<String> key = table.primaryKey();
    List<Table.Column> columns = table.columns();
    String selectColumns =
        String.join(", ", columns.stream().map(col -> dialect.quote(col.name())).toList());
    String order = String.join(", ", key.stream().map(dialect::quote).toList());
    StringBuilder sql =
        new StringBuilder("SELECT ")
            .append(selectColumns)
            .append(" FROM ")
            .append(dialect.relation(table));
    List<String> where = new ArrayList<>();
    if (after != null) {
      where.add(rowCompare(key, inclusive ? ">=" : ">"));
    }
    if (range.hi() != null) {
      where.add(rowCompare(key, "<"));
    }
    if (!where.isEmpty()) {
      sql.append(" WHERE ").append(String.join(" AND ", where));
    }
    sql.append(" ORDER BY ").append(order).append(dialect.limit(options.batchSize()));
    if (!options.dryRun()) {
      sql.append(" FOR UPDATE");
    }
    List<List<Object>> keys = new ArrayList<>();
    List<Map<String, Object>> changes = new ArrayList<>();
    Map<String, Long> undeclared = new LinkedHashMap<>();
    List<Object> last = after;
    int rows = 0;
    int again = 0;
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      int i = 1;
      if (after != null) {
        for (Object v : after) {
          ps.setObject(i++, v);
        }
      }
      if (range.hi() != null) {
        for (Object v : range.hi()) {
          ps.setObject(i++, v);
        }
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows++;
          Document row = new Document();
          for (int col = 0; col < columns.size(); col++) {
            Table.Column column = columns.get(col);
            row.put(column.name(), Rows.read(column, rs.getObject(col + 1)));
          }
          List<Object> rowKey = new ArrayList<>(key.size());
          for (String k : key) {
            rowKey.add(row.get(k));
          }
          last = rowKey;
          if (alreadyMasked(row, maskedKey, maskedKeyColumns)) {
            again++;
            continue;
          }
          Set<String> paths = new LinkedHashSet<>();
          DocumentMasker.Result r = masker.mask(row, (path, n) -> paths.add(path));
          paths.forEach(path -> undeclared.merge(path, 1L, Long::sum));
          if (r.changed()) {
            Map<String, Object> change = new LinkedHashMap<>(r.set());
            jsonNulls(table, range.target().plan().tree(), change);
            // A column cannot be removed: the remove strategy leaves it NULL.
            r.unset().forEach(col -> change.put(col, null));
            changes.add(change);
            keys.add(rowKey);
          }
        }
      }
    }
    if (!options.dryRun()) {
      write(c, table, changes, keys);
      checkpoints.saveRange(
          c, table, rangeId, rows < options.batchSize() ? "done" : KeyCodec.encode(last));
      c.commit();
    }
    return new Batch(rows, again, last, changes.size(), undeclared);
  }

  /**
   * A JSON column whose rules reach inside it (no strategy on the column itself) is set to null by
   * the masker only when it held another shape than the rules declare: it is written as JSON {@code
   * null}, not SQL NULL.
   */
  private static void jsonNulls(Table table, FieldTree tree, Map<String, Object> change) {
    for (Map.Entry<String, Object> e : change.entrySet()) {
      if (e.getValue() == null && table.column(e.getKey()).json()) {
        FieldTree node = tree.child(e.getKey());
        if (node != null && !node.isLeaf()) {
          e.setValue(Rows.JSON_NULL);
        }
      }
    }
  }

  private static boolean alreadyMasked(
      Document row, List<Strategy> maskedKey, List<String> maskedKeyColumns) {
    for (int i = 0; i < maskedKey.size(); i++) {
      Object v = row.get(maskedKeyColumns.get(i));
      if (v != null
          && maskedKey.get(i).check(v) == io.dbrestore.masking.strategy.FormCheck.MASKED) {
        return true;
      }
    }
    return false;
  }

  private void write(
      Connection c, Table table, List<Map<String, Object>> changes, List<List<Object>> keys)
      throws SQLException {
    // Group rows by the set of columns they change: one prepared statement per shape.
    Map<List<String>, List<Integer>> shapes = new LinkedHashMap<>();
    for (int i = 0; i < changes.size(); i++) {
      shapes
          .computeIfAbsent(new ArrayList<>(changes.get(i).keySet()), k -> new ArrayList<>())
          .add(i);
    }
    String where =
        String.join(
            " AND ", table.primaryKey().stream().map(k -> dialect.quote(k) + " = ?").toList());
    for (Map.Entry<List<String>, List<Integer>> shape : shapes.entrySet()) {
      List<String> cols = shape.getKey();
      String set =
          String.join(
              ", ",
              cols.stream()
                  .map(col -> dialect.quote(col) + " = " + dialect.parameter(table.column(col)))
                  .toList());
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE " + dialect.relation(table) + " SET " + set + " WHERE " + where)) {
        for (int i : shape.getValue()) {
          int n = 1;
          for (String col : cols) {
            ps.setObject(n++, Rows.write(c, table.column(col), changes.get(i).get(col)));
          }
          for (Object k : keys.get(i)) {
            ps.setObject(n++, k);
          }
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
  }
}

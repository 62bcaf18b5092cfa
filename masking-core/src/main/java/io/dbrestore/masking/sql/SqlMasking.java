package io.dbrestore.masking.sql;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbrestore.masking.engine.CollectionReport;
import io.dbrestore.masking.engine.DocumentMasker;
import io.dbrestore.masking.engine.DocumentVerifier;
import io.dbrestore.masking.engine.FieldTree;
import io.dbrestore.masking.engine.MaskingException;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingPlan.CollectionPlan;
import io.dbrestore.masking.engine.MaskingRecord;
import io.dbrestore.masking.engine.MaskingResult;
import io.dbrestore.masking.engine.PathCounts;
import io.dbrestore.masking.engine.Progress;
import io.dbrestore.masking.engine.RunOptions;
import io.dbrestore.masking.engine.Sample;
import io.dbrestore.masking.engine.Workers;
import io.dbrestore.masking.rules.Rules;
import io.dbrestore.masking.strategy.Strategy;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 */
public final class SqlMasking {
  private static final Logger LOG = LoggerFactory.getLogger(SqlMasking.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Opens a connection to the database being masked. */
  @FunctionalInterface
  public interface Connections {
    Connection open() throws SQLException;
  }

  private record Target(Table table, CollectionPlan plan, long rows) {
    String name() {
      return plan.qualifiedName();
    }
  }

  /** A slice of a table between two keys: {@code [lo, hi)}, either end open when null. */
  private record Range(Target target, int index, List<Object> lo, List<Object> hi, long rows) {}

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
    long start = System.nanoTime();
    List<Target> targets;
    try (Connection c = connections.open()) {
      targets = inventory(c);
      if (!options.dryRun()) {
        startRun(c, targets);
      }
    }
    empty(targets);
    PathCounts drift = new PathCounts();
    Map<String, AtomicLong> masked = new ConcurrentHashMap<>();
    mask(targets, drift, masked);
    if (!drift.isEmpty()) {
      if (plan.rules().policy().undeclaredFields() == Rules.Action.FAIL) {
        if (!options.dryRun()) {
          setState(targets, MaskingRecord.State.DRIFT);
        }
        throw new MaskingException(
            MaskingException.Kind.REFUSED,
            "undeclared-fields",
            "fields the rules do not declare: "
                + drift.describe(20)
                + "; declare each one (a masking strategy or keep) and run again on a fresh copy");
      }
      LOG.warn("fields the rules do not declare were left as they are: {}", drift.describe(20));
    }
    Map<String, Long> manifest = new LinkedHashMap<>();
    for (Target t : targets) {
      manifest.put(t.name(), t.plan().mode() == Rules.Mode.EMPTY ? 0 : t.rows());
    }
    if (options.dryRun()) {
      return new MaskingResult(
          reports(targets, masked, Map.of()),
          manifest,
          false,
          total(masked),
          elapsed(start),
          drift.snapshot());
    }
    Map<String, String> verification = verify(targets, manifest);
    return new MaskingResult(
        reports(targets, masked, verification),
        manifest,
        true,
        total(masked),
        elapsed(start),
        drift.snapshot());
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
                  s.executeQuery("SELECT * FROM " + qualified(table) + dialect.limit(perTable))) {
            while (rs.next()) {
              Document row = new Document();
              for (int i = 0; i < table.columns().size(); i++) {
                Table.Column column = table.columns().get(i);
                Object value = rs.getObject(column.name());
                row.put(column.name(), column.json() ? parseJson(value) : value);
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
    long start = System.nanoTime();
    List<Target> targets;
    try (Connection c = connections.open()) {
      targets = inventory(c);
    }
    Map<String, Long> manifest = new LinkedHashMap<>();
    for (Target t : targets) {
      manifest.put(t.name(), t.rows());
    }
    Map<String, String> verification = verify(targets, manifest);
    return new MaskingResult(
        reports(targets, Map.of(), verification), manifest, true, 0, elapsed(start), Map.of());
  }

  // ---- inventory --------------------------------------------------------------------------

  private List<Target> inventory(Connection c) throws SQLException {
    List<String> undeclaredTables = new ArrayList<>();
    List<String> undeclaredColumns = new ArrayList<>();
    List<String> refusals = new ArrayList<>();
    List<Target> targets = new ArrayList<>();
    boolean relaxed = dialect.relaxSession(c);
    boolean triggersFire = !relaxed || dialect.triggersFire(c);
    for (String schema : dialect.schemas(c)) {
      for (Table table : dialect.tables(c, schema)) {
        if (table.name().equals(MaskingRecord.COLLECTION)) {
          continue;
        }
        var p = plan.collection(schema, table.name());
        if (p.isEmpty()) {
          undeclaredTables.add(table.qualifiedName());
          continue;
        }
        CollectionPlan cp = p.get();
        if (cp.mode() == Rules.Mode.MASK) {
          for (Table.Column column : table.columns()) {
            if (cp.tree().child(column.name()) == null) {
              undeclaredColumns.add(table.qualifiedName() + "." + column.name());
            }
          }
          for (MaskingPlan.CompiledField f : cp.fields()) {
            Table.Column column = table.column(f.rule().path().root());
            if (column == null) {
              LOG.warn(
                  "{}:{}: {} has no column {}",
                  plan.rules().source(),
                  f.rule().line(),
                  table.qualifiedName(),
                  f.rule().path().root());
            } else if (f.rule().path().segments().size() > 1 && !column.json()) {
              throw new MaskingException(
                  MaskingException.Kind.INVALID_RULES,
                  "invalid-rules",
                  plan.rules().source()
                      + ":"
                      + f.rule().line()
                      + ": "
                      + table.qualifiedName()
                      + "."
                      + f.rule().path()
                      + ": a path into column "
                      + column.name()
                      + ", which is not JSON ("
                      + column.type()
                      + ")");
            }
          }
          for (String k : table.primaryKey()) {
            FieldTree node = cp.tree().child(k);
            Strategy s = node == null ? null : node.strategy();
            if (s != null && !s.keeps() && !s.unique()) {
              throw new MaskingException(
                  MaskingException.Kind.INVALID_RULES,
                  "invalid-rules",
                  plan.rules().source()
                      + ":"
                      + node.rule().line()
                      + ": "
                      + table.qualifiedName()
                      + "."
                      + k
                      + ": a primary-key column needs a unique strategy (email, token) or keep,"
                      + " not '"
                      + s.name()
                      + "'");
            }
          }
          if (table.primaryKey().isEmpty()) {
            refusals.add(
                table.qualifiedName()
                    + " has no primary key (dbrestore masks by primary-key ranges; add one, or"
                    + " declare the table keep or drop)");
          }
          if (!table.updateTriggers().isEmpty() && triggersFire) {
            refusals.add(
                table.qualifiedName()
                    + " has UPDATE triggers "
                    + table.updateTriggers()
                    + " that would fire on masking and cannot be turned off for this session"
                    + " ("
                    + (dialect.name().equals("postgresql")
                        ? "grant rds_superuser to the masking user"
                        : "drop them on the throwaway copy first, or declare the table drop")
                    + ")");
          }
        }
        targets.add(new Target(table, cp, count(c, table)));
      }
    }
    if (!undeclaredTables.isEmpty()) {
      if (plan.rules().policy().undeclaredCollections() == Rules.Action.FAIL) {
        throw new MaskingException(
            MaskingException.Kind.REFUSED,
            "undeclared-collections",
            "tables the rules do not declare: "
                + String.join(", ", undeclaredTables)
                + "; declare each one (columns to mask, keep, or drop) and run again");
      }
      LOG.warn("tables the rules do not declare are left as they are: {}", undeclaredTables);
    }
    if (!undeclaredColumns.isEmpty()
        && plan.rules().policy().undeclaredFields() == Rules.Action.FAIL) {
      throw new MaskingException(
          MaskingException.Kind.REFUSED,
          "undeclared-fields",
          "columns the rules do not declare: "
              + String.join(", ", undeclaredColumns)
              + "; declare each one (a masking strategy or keep) and run again");
    }
    if (!refusals.isEmpty()) {
      throw new MaskingException(
          MaskingException.Kind.REFUSED, "unmaskable-table", String.join("; ", refusals));
    }
    return targets;
  }

  private long count(Connection c, Table t) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + qualified(t))) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private String qualified(Table t) {
    return dialect.quote(t.schema()) + "." + dialect.quote(t.name());
  }

  private String checkpoints(String schema) {
    return dialect.quote(schema) + "." + dialect.quote(MaskingRecord.COLLECTION);
  }

  // ---- checkpoints ------------------------------------------------------------------------

  private void startRun(Connection c, List<Target> targets) throws SQLException {
    Set<String> schemas = new LinkedHashSet<>();
    targets.forEach(t -> schemas.add(t.table().schema()));
    String text = dialect.textType();
    for (String schema : schemas) {
      try (Statement s = c.createStatement()) {
        s.execute(
            "CREATE TABLE IF NOT EXISTS "
                + checkpoints(schema)
                + " (id VARCHAR(512) PRIMARY KEY, rules_sha256 VARCHAR(64), state VARCHAR(32),"
                + " rows_before BIGINT, last_key "
                + text
                + ", masked BIGINT, done BOOLEAN)");
      }
      String sha = null;
      try (PreparedStatement ps =
          c.prepareStatement("SELECT rules_sha256 FROM " + checkpoints(schema) + " WHERE id = ?")) {
        ps.setString(1, MaskingRecord.RUN_ID);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            sha = rs.getString(1);
          }
        }
      }
      if (sha != null && !sha.equals(plan.rules().sha256())) {
        throw new MaskingException(
            MaskingException.Kind.REFUSED,
            "rules-changed",
            "schema "
                + schema
                + " was masked (or partly masked) with other rules; masking it again would mask"
                + " values twice: restore a fresh copy");
      }
      if (sha == null) {
        try (PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO "
                    + checkpoints(schema)
                    + " (id, rules_sha256, state, done) VALUES (?, ?, ?, false)")) {
          ps.setString(1, MaskingRecord.RUN_ID);
          ps.setString(2, plan.rules().sha256());
          ps.setString(3, MaskingRecord.State.MASKING.name());
          ps.executeUpdate();
        }
        for (Target t : targets) {
          if (t.table().schema().equals(schema)) {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO "
                        + checkpoints(schema)
                        + " (id, rows_before, done) VALUES (?, ?, false)")) {
              ps.setString(1, "table:" + t.table().name());
              ps.setLong(2, t.rows());
              ps.executeUpdate();
            }
          }
        }
      }
      if (!c.getAutoCommit()) {
        c.commit();
      }
    }
  }

  private void setState(List<Target> targets, MaskingRecord.State state) throws SQLException {
    Set<String> schemas = new LinkedHashSet<>();
    targets.forEach(t -> schemas.add(t.table().schema()));
    try (Connection c = connections.open()) {
      for (String schema : schemas) {
        try (PreparedStatement ps =
            c.prepareStatement("UPDATE " + checkpoints(schema) + " SET state = ? WHERE id = ?")) {
          ps.setString(1, state.name());
          ps.setString(2, MaskingRecord.RUN_ID);
          ps.executeUpdate();
        }
      }
    }
  }

  private Long recordedRows(Connection c, Table t) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT rows_before FROM " + checkpoints(t.schema()) + " WHERE id = ?")) {
      ps.setString(1, "table:" + t.name());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : null;
      }
    }
  }

  // ---- emptying and masking ---------------------------------------------------------------

  private void empty(List<Target> targets) throws SQLException {
    for (Target t : targets) {
      if (t.plan().mode() != Rules.Mode.EMPTY) {
        continue;
      }
      if (options.dryRun()) {
        LOG.info("dry run: would delete the {} rows of {}", t.rows(), t.name());
        continue;
      }
      try (Connection c = connections.open()) {
        dialect.relaxSession(c);
        try (Statement s = c.createStatement()) {
          // DELETE rather than TRUNCATE: it works under foreign keys with checks relaxed.
          s.executeUpdate("DELETE FROM " + qualified(t.table()));
        }
        if (!c.getAutoCommit()) {
          c.commit();
        }
      }
    }
  }

  private void mask(List<Target> targets, PathCounts drift, Map<String, AtomicLong> masked)
      throws SQLException {
    List<Range> ranges = new ArrayList<>();
    long total = 0;
    try (Connection c = connections.open()) {
      for (Target t : targets) {
        if (t.plan().mode() != Rules.Mode.MASK) {
          continue;
        }
        masked.put(t.name(), new AtomicLong());
        List<Range> tableRanges = split(c, t);
        ranges.addAll(tableRanges);
        total += t.rows();
      }
    }
    ranges.sort(Comparator.comparingLong(Range::rows).reversed());
    AtomicLong done = new AtomicLong();
    long grandTotal = total;
    Workers.runAll(
        ranges,
        options.parallelism(),
        "sql-masking-worker",
        r -> maskRange(r, drift, masked.get(r.target().name()), done, grandTotal));
  }

  private List<Range> split(Connection c, Target t) throws SQLException {
    List<Range> ranges = new ArrayList<>();
    if (t.rows() <= options.unitSize()) {
      ranges.add(new Range(t, 0, null, null, t.rows()));
      return ranges;
    }
    List<String> key = t.table().primaryKey();
    String columns = String.join(", ", key.stream().map(dialect::quote).toList());
    List<Object> lo = null;
    long n = 0;
    try (Statement s = c.createStatement()) {
      s.setFetchSize(10_000);
      try (ResultSet rs =
          s.executeQuery(
              "SELECT " + columns + " FROM " + qualified(t.table()) + " ORDER BY " + columns)) {
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
  private record Batch(int rows, List<Object> after, int changed, Map<String, Long> undeclared) {}

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

  private void maskRange(
      Range range, PathCounts drift, AtomicLong maskedCount, AtomicLong done, long total) {
    Table table = range.target().table();
    CollectionPlan p = range.target().plan();
    List<String> key = table.primaryKey();
    String rangeId = "range:" + table.name() + "#" + range.index();
    try (Connection c = connections.open()) {
      dialect.relaxSession(c);
      c.setAutoCommit(false);
      List<Object> after = range.lo();
      boolean inclusive = true;
      if (!options.dryRun()) {
        String saved = loadRange(c, table, rangeId);
        if ("done".equals(saved)) {
          c.commit();
          return;
        }
        if (saved != null) {
          after = KeyCodec.decode(saved);
          inclusive = false;
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
        batch.undeclared().forEach((path, n) -> drift.add(p.qualifiedName(), path, n));
        maskedCount.addAndGet(batch.changed());
        options.progress().update("mask", done.addAndGet(batch.rows()), total);
        if (batch.rows() < options.batchSize()) {
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
            .append(qualified(table));
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
            Object value = rs.getObject(col + 1);
            row.put(column.name(), column.json() ? parseJson(value) : value);
          }
          List<Object> rowKey = new ArrayList<>(key.size());
          for (String k : key) {
            rowKey.add(row.get(k));
          }
          last = rowKey;
          if (alreadyMasked(row, maskedKey, maskedKeyColumns)) {
            continue;
          }
          Set<String> paths = new LinkedHashSet<>();
          DocumentMasker.Result r = masker.mask(row, (path, n) -> paths.add(path));
          paths.forEach(path -> undeclared.merge(path, 1L, Long::sum));
          if (r.changed()) {
            Map<String, Object> change = new LinkedHashMap<>(r.set());
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
      saveRange(c, table, rangeId, rows < options.batchSize() ? "done" : KeyCodec.encode(last));
      c.commit();
    }
    return new Batch(rows, last, changes.size(), undeclared);
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

  private Object parseJson(Object value) {
    if (value == null) {
      return null;
    }
    String text = value.toString();
    try {
      return JSON.readValue(text, Object.class);
    } catch (IOException e) {
      // Not JSON after all: treat the text as a value the JSON paths cannot reach.
      return text;
    }
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
          c.prepareStatement("UPDATE " + qualified(table) + " SET " + set + " WHERE " + where)) {
        for (int i : shape.getValue()) {
          int n = 1;
          for (String col : cols) {
            Object v = changes.get(i).get(col);
            Table.Column column = table.column(col);
            if (column.json() && v != null) {
              try {
                v = JSON.writeValueAsString(v);
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            }
            ps.setObject(n++, v);
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

  private String loadRange(Connection c, Table t, String id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT last_key FROM " + checkpoints(t.schema()) + " WHERE id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private void saveRange(Connection c, Table t, String id, String lastKey) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE " + checkpoints(t.schema()) + " SET last_key = ? WHERE id = ?")) {
      ps.setString(1, lastKey);
      ps.setString(2, id);
      if (ps.executeUpdate() == 0) {
        try (PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO " + checkpoints(t.schema()) + " (id, last_key) VALUES (?, ?)")) {
          insert.setString(1, id);
          insert.setString(2, lastKey);
          insert.executeUpdate();
        }
      }
    }
  }

  // ---- verification -----------------------------------------------------------------------

  private Map<String, String> verify(List<Target> targets, Map<String, Long> manifest)
      throws SQLException {
    PathCounts notMasked = new PathCounts();
    PathCounts undeclared = new PathCounts();
    List<String> problems = new ArrayList<>();
    Map<String, String> result = new TreeMap<>();
    try (Connection c = connections.open()) {
      for (Target t : targets) {
        long now = count(c, t.table());
        Long before = recordedRows(c, t.table());
        long expected =
            t.plan().mode() == Rules.Mode.EMPTY ? 0 : before == null ? t.rows() : before;
        if (now != expected) {
          problems.add(t.name() + " holds " + now + " rows, expected " + expected);
          result.put(t.name(), "failed");
        }
        if (t.plan().mode() != Rules.Mode.MASK) {
          continue;
        }
        DocumentVerifier verifier = new DocumentVerifier(t.plan().tree());
        String columns =
            String.join(
                ", ", t.table().columns().stream().map(col -> dialect.quote(col.name())).toList());
        try (Statement s = c.createStatement()) {
          s.setFetchSize(5_000);
          try (ResultSet rs =
              s.executeQuery("SELECT " + columns + " FROM " + qualified(t.table()))) {
            while (rs.next()) {
              Document row = new Document();
              for (int i = 0; i < t.table().columns().size(); i++) {
                Table.Column column = t.table().columns().get(i);
                Object value = rs.getObject(i + 1);
                if (value == null && isRemove(t.plan().tree(), column.name())) {
                  continue;
                }
                row.put(column.name(), column.json() ? parseJson(value) : value);
              }
              Set<String> bad = new LinkedHashSet<>();
              Set<String> paths = new LinkedHashSet<>();
              verifier.verify(row, bad::add, (path, n) -> paths.add(path));
              bad.forEach(f -> notMasked.add(t.name(), f, 1));
              paths.forEach(f -> undeclared.add(t.name(), f, 1));
            }
          }
        }
      }
    }
    try (Connection c = connections.open()) {
      problems.addAll(orphans(c, targets));
    }
    notMasked
        .snapshot()
        .forEach(
            (table, fields) -> {
              fields.forEach(
                  (field, n) ->
                      problems.add(
                          table
                              + ": column "
                              + field
                              + " is not in masked form in "
                              + n
                              + (n == 1 ? " row" : " rows")));
              result.put(table, "failed");
            });
    if (!undeclared.isEmpty() && plan.rules().policy().undeclaredFields() == Rules.Action.FAIL) {
      problems.add("fields the rules do not declare: " + undeclared.describe(20));
    }
    for (Target t : targets) {
      result.putIfAbsent(t.name(), "passed");
    }
    if (!problems.isEmpty()) {
      setState(targets, MaskingRecord.State.VERIFICATION_FAILED);
      throw new MaskingException(
          MaskingException.Kind.VERIFICATION_FAILED,
          "verification-failed",
          "verification failed: "
              + String.join("; ", problems.subList(0, Math.min(20, problems.size()))));
    }
    setState(targets, MaskingRecord.State.VERIFIED);
    return result;
  }

  /**
   * Foreign keys must still hold: masking runs with their checks off, and only the consistent
   * pseudonyms keep referencing rows matched. Counts rows whose key finds no parent; names the
   * constraint, never a value.
   */
  private List<String> orphans(Connection c, List<Target> targets) throws SQLException {
    List<String> problems = new ArrayList<>();
    Set<String> schemas = new LinkedHashSet<>();
    targets.forEach(t -> schemas.add(t.table().schema()));
    for (String schema : schemas) {
      for (SqlDialect.ForeignKey fk : dialect.foreignKeys(c, schema)) {
        String child = dialect.quote(fk.schema()) + "." + dialect.quote(fk.table());
        String parent = dialect.quote(fk.parentSchema()) + "." + dialect.quote(fk.parentTable());
        List<String> notNull = new ArrayList<>();
        List<String> match = new ArrayList<>();
        for (int i = 0; i < fk.columns().size(); i++) {
          notNull.add("c." + dialect.quote(fk.columns().get(i)) + " IS NOT NULL");
          match.add(
              "p."
                  + dialect.quote(fk.parentColumns().get(i))
                  + " = c."
                  + dialect.quote(fk.columns().get(i)));
        }
        String sql =
            "SELECT count(*) FROM "
                + child
                + " c WHERE "
                + String.join(" AND ", notNull)
                + " AND NOT EXISTS (SELECT 1 FROM "
                + parent
                + " p WHERE "
                + String.join(" AND ", match)
                + ")";
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery(sql)) {
          rs.next();
          long n = rs.getLong(1);
          if (n > 0) {
            problems.add(
                fk.schema()
                    + "."
                    + fk.table()
                    + ": foreign key "
                    + fk.name()
                    + " no longer holds for "
                    + n
                    + (n == 1 ? " row" : " rows"));
          }
        }
      }
    }
    return problems;
  }

  /** A column the rules {@code remove} holds NULL after masking: nothing to check. */
  private static boolean isRemove(FieldTree tree, String column) {
    FieldTree node = tree.child(column);
    Strategy s = node == null ? null : node.strategy();
    return s != null && "remove".equals(s.name());
  }

  // ---- helpers ----------------------------------------------------------------------------

  private static List<CollectionReport> reports(
      List<Target> targets, Map<String, AtomicLong> masked, Map<String, String> verification) {
    List<CollectionReport> reports = new ArrayList<>();
    for (Target t : targets) {
      AtomicLong m = masked.get(t.name());
      reports.add(
          new CollectionReport(
              t.name(),
              t.plan().mode().name().toLowerCase(java.util.Locale.ROOT),
              t.rows(),
              m == null ? 0 : m.get(),
              0.0,
              verification.getOrDefault(t.name(), "not-run")));
    }
    return reports;
  }

  private static long total(Map<String, AtomicLong> masked) {
    return masked.values().stream().mapToLong(AtomicLong::get).sum();
  }

  private static double elapsed(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}

package io.dbrestore.masking.sql;

import io.dbrestore.masking.engine.MaskingRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.List;

/**
 * Masking progress, kept in each masked schema's own {@code __dbrestore_masking} table so that a
 * run killed at any point resumes where it stopped: the {@link MaskingRecord run record} (row
 * {@code run}: {@code rules_sha256}, {@code state}), each table's row count when the run started
 * (row {@code table:<name>}, {@code rows_before}) and each key range's last masked key (row {@code
 * range:<table>#<index>}, {@code last_key}, {@code done} once the range is). A range's key moves in
 * the same transaction as its batch's writes, so no row is masked twice.
 */
final class SqlCheckpoints {
  private final SqlDialect dialect;

  SqlCheckpoints(SqlDialect dialect) {
    this.dialect = dialect;
  }

  private String table(String schema) {
    return dialect.quote(schema) + "." + dialect.quote(MaskingRecord.COLLECTION);
  }

  /** Creates the checkpoint table of a schema unless it exists. */
  void create(Connection c, String schema) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + table(schema)
              + " (id VARCHAR(512) PRIMARY KEY, rules_sha256 VARCHAR(64), state VARCHAR(32),"
              + " rows_before BIGINT, last_key "
              + dialect.textType()
              + ", masked BIGINT, done BOOLEAN)");
    }
  }

  /** The SHA-256 of the rules a run in this schema started with; null before the first run. */
  String rulesSha256(Connection c, String schema) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT rules_sha256 FROM " + table(schema) + " WHERE id = ?")) {
      ps.setString(1, MaskingRecord.RUN_ID);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /** Starts the run record of a schema ({@code MASKING}) with the row counts of its tables. */
  void startRun(Connection c, String schema, String rulesSha256, List<TableTarget> targets)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO "
                + table(schema)
                + " (id, rules_sha256, state, done) VALUES (?, ?, ?, false)")) {
      ps.setString(1, MaskingRecord.RUN_ID);
      ps.setString(2, rulesSha256);
      ps.setString(3, MaskingRecord.State.MASKING.name());
      ps.executeUpdate();
    }
    for (TableTarget t : targets) {
      if (t.table().schema().equals(schema)) {
        try (PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO " + table(schema) + " (id, rows_before, done) VALUES (?, ?, false)")) {
          ps.setString(1, "table:" + t.table().name());
          ps.setLong(2, t.rows());
          ps.executeUpdate();
        }
      }
    }
  }

  /** Moves the run record of each schema to a state. */
  void state(Connection c, Collection<String> schemas, MaskingRecord.State state)
      throws SQLException {
    for (String schema : schemas) {
      try (PreparedStatement ps =
          c.prepareStatement("UPDATE " + table(schema) + " SET state = ? WHERE id = ?")) {
        ps.setString(1, state.name());
        ps.setString(2, MaskingRecord.RUN_ID);
        ps.executeUpdate();
      }
    }
  }

  /** A table's row count when the run started; null when no run recorded it. */
  Long recordedRows(Connection c, Table t) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT rows_before FROM " + table(t.schema()) + " WHERE id = ?")) {
      ps.setString(1, "table:" + t.name());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : null;
      }
    }
  }

  /** The checkpoint id of a table's key range. */
  static String rangeId(Table t, int index) {
    return "range:" + t.name() + "#" + index;
  }

  /** A range's last masked key ({@link KeyCodec}), {@code done}, or null before it started. */
  String loadRange(Connection c, Table t, String id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT last_key FROM " + table(t.schema()) + " WHERE id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /** Moves a range's checkpoint, in the caller's transaction. */
  void saveRange(Connection c, Table t, String id, String lastKey) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE " + table(t.schema()) + " SET last_key = ? WHERE id = ?")) {
      ps.setString(1, lastKey);
      ps.setString(2, id);
      if (ps.executeUpdate() == 0) {
        try (PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO " + table(t.schema()) + " (id, last_key) VALUES (?, ?)")) {
          insert.setString(1, id);
          insert.setString(2, lastKey);
          insert.executeUpdate();
        }
      }
    }
  }
}

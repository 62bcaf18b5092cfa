package io.dbrestore.masking.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * MySQL 8.0 (Aurora MySQL 3) and MariaDB. A MySQL "schema" is a database. There is no way to turn
 * triggers off for one session, so a masked table with an UPDATE trigger, and an emptied one with a
 * DELETE trigger, are refused; foreign-key checks can be turned off per session.
 */
final class MySqlDialect implements SqlDialect {
  private static final List<String> SYSTEM =
      List.of("mysql", "information_schema", "performance_schema", "sys");

  @Override
  public String name() {
    return "mysql";
  }

  @Override
  public String quote(String identifier) {
    return "`" + identifier.replace("`", "``") + "`";
  }

  @Override
  public List<String> schemas(Connection c) throws SQLException {
    List<String> schemas = new ArrayList<>();
    for (String name :
        Jdbc.strings(c, "SELECT schema_name FROM information_schema.schemata ORDER BY 1")) {
      if (!SYSTEM.contains(name.toLowerCase(Locale.ROOT))) {
        schemas.add(name);
      }
    }
    return schemas;
  }

  @Override
  public Map<String, List<Table.Column>> columns(Connection c, String schema) throws SQLException {
    Map<String, List<Table.Column>> columns = new LinkedHashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT c.table_name, c.column_name, c.column_type, c.data_type,"
                // A check constraint's table is in table_constraints (MySQL's check_constraints
                // has no table_name; MariaDB names a column's constraint after the column).
                + " EXISTS (SELECT 1 FROM information_schema.check_constraints k"
                + "   JOIN information_schema.table_constraints tc"
                + "   ON tc.constraint_schema = k.constraint_schema"
                + "   AND tc.constraint_name = k.constraint_name AND tc.constraint_type = 'CHECK'"
                + "   WHERE k.constraint_schema = c.table_schema AND tc.table_name = c.table_name"
                + "   AND k.check_clause LIKE CONCAT('%json_valid(`', c.column_name, '`)%')),"
                + " c.character_maximum_length, c.is_nullable,"
                // Not DEFAULT_GENERATED (MySQL: a default expression, which can be written).
                + " c.extra LIKE '%VIRTUAL%' OR c.extra LIKE '%STORED%'"
                + "   OR c.extra LIKE '%PERSISTENT%',"
                // The checks that name the column (no catalogue lists a check's columns here).
                + " (SELECT GROUP_CONCAT(k.constraint_name ORDER BY k.constraint_name"
                + "   SEPARATOR ',')"
                + "   FROM information_schema.check_constraints k"
                + "   JOIN information_schema.table_constraints tc"
                + "   ON tc.constraint_schema = k.constraint_schema"
                + "   AND tc.constraint_name = k.constraint_name AND tc.constraint_type = 'CHECK'"
                + "   WHERE k.constraint_schema = c.table_schema AND tc.table_name = c.table_name"
                + "   AND k.check_clause LIKE CONCAT('%`', c.column_name, '`%')"
                + "   AND k.check_clause NOT LIKE CONCAT('%json_valid(`', c.column_name, '`)%'))"
                + " FROM information_schema.columns c JOIN information_schema.tables t"
                + " ON t.table_schema = c.table_schema AND t.table_name = c.table_name"
                + " WHERE c.table_schema = ? AND t.table_type = 'BASE TABLE'"
                + " ORDER BY c.table_name, c.ordinal_position")) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          // MySQL has a JSON type; MariaDB's JSON is LONGTEXT with a json_valid() check.
          boolean json = "json".equalsIgnoreCase(rs.getString(4)) || rs.getBoolean(5);
          String dataType = rs.getString(4).toLowerCase(java.util.Locale.ROOT);
          long max = rs.getLong(6);
          boolean bounded =
              !rs.wasNull() && (dataType.equals("char") || dataType.equals("varchar"));
          String checks = rs.getString(9);
          columns
              .computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
              .add(
                  new Table.Column(
                      rs.getString(2),
                      rs.getString(3),
                      json,
                      json ? Table.Kind.JSON : kind(dataType),
                      bounded ? (int) Math.min(max, Integer.MAX_VALUE) : -1,
                      "YES".equalsIgnoreCase(rs.getString(7)),
                      rs.getBoolean(8),
                      checks == null || checks.isEmpty() ? List.of() : List.of(checks.split(","))));
        }
      }
    }
    return columns;
  }

  /** What a column of a data type holds. */
  static Table.Kind kind(String dataType) {
    return switch (dataType) {
      case "char", "varchar", "tinytext", "text", "mediumtext", "longtext" -> Table.Kind.TEXT;
      case "tinyint", "smallint", "mediumint", "int", "integer", "bigint" -> Table.Kind.INTEGER;
      case "decimal", "float", "double" -> Table.Kind.DECIMAL;
      case "date", "datetime", "timestamp" -> Table.Kind.TEMPORAL;
      case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob" -> Table.Kind.BINARY;
      case "json" -> Table.Kind.JSON;
      default -> Table.Kind.OTHER; // enum, set, time, year, bit, uuid, inet4, geometry…
    };
  }

  @Override
  public List<String> primaryKey(Connection c, String schema, String table) throws SQLException {
    return Jdbc.strings(
        c,
        "SELECT column_name FROM information_schema.key_column_usage WHERE table_schema = ?"
            + " AND table_name = ? AND constraint_name = 'PRIMARY' ORDER BY ordinal_position",
        schema,
        table);
  }

  @Override
  public List<String> updateTriggers(Connection c, String schema, String table)
      throws SQLException {
    return Jdbc.strings(
        c,
        "SELECT trigger_name FROM information_schema.triggers WHERE event_object_schema = ?"
            + " AND event_object_table = ? AND event_manipulation = 'UPDATE' ORDER BY 1",
        schema,
        table);
  }

  @Override
  public List<ForeignKey> foreignKeys(Connection c, String schema) throws SQLException {
    Map<String, String[]> heads = new LinkedHashMap<>();
    Map<String, List<String>> columns = new LinkedHashMap<>();
    Map<String, List<String>> parents = new LinkedHashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT constraint_name, table_name, column_name, referenced_table_schema,"
                + " referenced_table_name, referenced_column_name"
                + " FROM information_schema.key_column_usage WHERE table_schema = ?"
                + " AND referenced_table_name IS NOT NULL"
                + " ORDER BY constraint_name, table_name, ordinal_position")) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String id = rs.getString(2) + "/" + rs.getString(1);
          heads.putIfAbsent(
              id,
              new String[] {rs.getString(1), rs.getString(2), rs.getString(4), rs.getString(5)});
          columns.computeIfAbsent(id, k -> new ArrayList<>()).add(rs.getString(3));
          parents.computeIfAbsent(id, k -> new ArrayList<>()).add(rs.getString(6));
        }
      }
    }
    List<ForeignKey> keys = new ArrayList<>();
    heads.forEach(
        (id, h) ->
            keys.add(
                new ForeignKey(h[0], schema, h[1], columns.get(id), h[2], h[3], parents.get(id))));
    return keys;
  }

  @Override
  public List<String> views(Connection c, String schema) throws SQLException {
    return Jdbc.strings(
        c,
        "SELECT table_name FROM information_schema.views WHERE table_schema = ? ORDER BY 1",
        schema);
  }

  @Override
  public boolean relaxSession(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SET SESSION foreign_key_checks = 0");
      // Each batch reads its rows FOR UPDATE and writes them by key: REPEATABLE READ's gap
      // locks add nothing but deadlocks between ranges whose rows move when a key is masked.
      s.execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
    }
    return true;
  }

  /**
   * Batches of single-row UPDATEs as one bulk round trip: MariaDB Connector/J needs server-side
   * prepared statements for its bulk protocol; MySQL Connector/J rewrites batches.
   */
  @Override
  public Map<String, String> connectionProperties() {
    return Map.of(
        "useServerPrepStmts", "true",
        "useBulkStmts", "true",
        "rewriteBatchedStatements", "true");
  }

  @Override
  public boolean triggersFire(Connection c) {
    return true;
  }

  /**
   * No session switch holds a trigger back: every trigger on an event the run writes fires (a
   * masked table's UPDATE triggers, an emptied table's DELETE triggers). A partitioned table is one
   * table with one set of triggers.
   */
  @Override
  public List<String> firingOnWrites(
      Connection c, Table t, List<String> events, String doing, boolean relaxed)
      throws SQLException {
    List<String> refusals = new ArrayList<>();
    for (String event : events) {
      List<String> names =
          Jdbc.strings(
              c,
              "SELECT trigger_name FROM information_schema.triggers WHERE event_object_schema = ?"
                  + " AND event_object_table = ? AND event_manipulation = ? ORDER BY 1",
              t.schema(),
              t.name(),
              event);
      if (!names.isEmpty()) {
        refusals.add(
            t.qualifiedName()
                + " has "
                + event
                + " triggers "
                + names
                + " that would fire on "
                + doing
                + " it and cannot be turned off for this session (the MySQL family has no such"
                + " switch): drop them on the throwaway copy first ("
                + String.join(
                    "; ",
                    names.stream()
                        .map(n -> "DROP TRIGGER " + quote(t.schema()) + "." + quote(n))
                        .toList())
                + ")"
                + ("UPDATE".equals(event)
                    ? ", or declare the table drop"
                    : "DELETE".equals(event) && "emptying".equals(doing)
                        ? ", or declare the table keep"
                        : ""));
      }
    }
    return refusals;
  }

  /**
   * The binary log keeps every masked row's before-image (row-based logging) or the statements that
   * wrote it, and a snapshot keeps the log: with {@code log_bin} on, the run is refused before any
   * write. Aurora MySQL logs no binlog unless the cluster parameter group sets {@code
   * binlog_format}; the masking cluster must not.
   */
  @Override
  public List<String> clusterRefusals(Connection c) throws SQLException {
    List<String> refusals = new ArrayList<>();
    List<String> logBin = Jdbc.strings(c, "SELECT @@log_bin");
    if (!logBin.isEmpty() && ("1".equals(logBin.get(0)) || "ON".equalsIgnoreCase(logBin.get(0)))) {
      refusals.add(
          "binary logging is on (log_bin): the binary log would keep the original of every masked"
              + " row; turn it off for the masking cluster (Aurora MySQL: binlog_format OFF in its"
              + " cluster parameter group; MySQL: --skip-log-bin) and run again");
    }
    return refusals;
  }

  /**
   * {@code ALTER TABLE … FORCE} copies the live rows into a new tablespace file and drops the old
   * one (and with it old row versions and freed space); then the statistics: MariaDB's persistent
   * ones ({@code mysql.column_stats} min/max, histograms) are computed again from the masked rows,
   * MySQL's histograms ({@code information_schema.column_statistics}) are dropped.
   */
  @Override
  public void finishTable(Connection c, Table t) throws SQLException {
    String table = qualified(t);
    try (Statement s = c.createStatement()) {
      s.execute("ALTER TABLE " + table + " FORCE");
      if (mariaDb(c)) {
        adminStatement(c, "ANALYZE TABLE " + table + " PERSISTENT FOR ALL");
      } else {
        List<String> histograms =
            Jdbc.strings(
                c,
                "SELECT column_name FROM information_schema.column_statistics"
                    + " WHERE schema_name = ? AND table_name = ?",
                t.schema(),
                t.name());
        if (!histograms.isEmpty()) {
          adminStatement(
              c,
              "ANALYZE TABLE "
                  + table
                  + " DROP HISTOGRAM ON "
                  + String.join(", ", histograms.stream().map(this::quote).toList()));
        }
        adminStatement(c, "ANALYZE TABLE " + table);
      }
    }
  }

  /** ANALYZE and OPTIMIZE report failure in their result rows, not as an exception. */
  private static void adminStatement(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        if ("error".equalsIgnoreCase(rs.getString("Msg_type"))) {
          throw new SQLException(sql + ": " + rs.getString("Msg_text"));
        }
      }
    }
  }

  private static boolean mariaDb(Connection c) throws SQLException {
    return Jdbc.strings(c, "SELECT VERSION()").get(0).toLowerCase(Locale.ROOT).contains("mariadb");
  }

  /**
   * The general and slow query logs, when written to tables, hold the statements that read and
   * wrote the rows: emptied.
   */
  @Override
  public void finishServer(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      if (mariaDb(c)) {
        // The statistics tables are Aria tables: a replaced row's bytes (min, max and a JSON
        // histogram of original values) stay in the data file until it is rebuilt.
        for (String stats : List.of("column_stats", "index_stats", "table_stats")) {
          s.execute("ALTER TABLE mysql." + stats + " FORCE");
        }
      }
      for (String log : List.of("general_log", "slow_log")) {
        if (!Jdbc.strings(
                c,
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'mysql'"
                    + " AND table_name = ?",
                log)
            .isEmpty()) {
          s.execute("TRUNCATE TABLE mysql." + log);
        }
      }
    }
  }

  @Override
  public List<String> statisticsValues(Connection c, Table t, String column) throws SQLException {
    if (mariaDb(c)) {
      List<String> values = new ArrayList<>();
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT min_value, max_value, histogram FROM mysql.column_stats WHERE db_name = ?"
                  + " AND table_name = ? AND column_name = ?")) {
        ps.setString(1, t.schema());
        ps.setString(2, t.name());
        ps.setString(3, column);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            for (int i = 1; i <= 2; i++) {
              if (rs.getString(i) != null) {
                values.add(rs.getString(i));
              }
            }
            histogramBounds(rs.getString(3), values);
          }
        }
      }
      return values;
    }
    return Jdbc.strings(
        c,
        "SELECT histogram FROM information_schema.column_statistics WHERE schema_name = ?"
            + " AND table_name = ? AND column_name = ?",
        t.schema(),
        t.name(),
        column);
  }

  /**
   * The bucket bounds of a MariaDB JSON histogram ({@code histogram_type = JSON_HB}, the default
   * since 10.8): values of the column. Older binary histograms hold no value.
   */
  private static void histogramBounds(String histogram, List<String> values) {
    if (histogram == null || !histogram.startsWith("{")) {
      return;
    }
    try {
      new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(histogram)
          .findParents("start")
          .forEach(
              bucket -> {
                values.add(bucket.get("start").asText());
                if (bucket.has("end")) {
                  values.add(bucket.get("end").asText());
                }
              });
    } catch (java.io.IOException e) {
      values.add(histogram); // unreadable: checked as a whole, so it fails the check
    }
  }

  @Override
  public String textType() {
    return "LONGTEXT";
  }

  /**
   * MySQL and MariaDB: NULLs are always distinct; a functional key part (MySQL 8.0.13+) is an
   * expression; MariaDB's long unique (USING HASH) is a unique index like any other.
   */
  @Override
  public List<UniqueFit.Key> uniqueKeys(Connection c, Table t) throws SQLException {
    Map<String, UniqueFit.Key> keys = new LinkedHashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT s.*, c.GENERATION_EXPRESSION AS DBRESTORE_GENERATED"
                + " FROM information_schema.STATISTICS s LEFT JOIN information_schema.COLUMNS c"
                + " ON c.TABLE_SCHEMA = s.TABLE_SCHEMA AND c.TABLE_NAME = s.TABLE_NAME"
                + " AND c.COLUMN_NAME = s.COLUMN_NAME"
                + " WHERE s.TABLE_SCHEMA = ? AND s.TABLE_NAME = ? AND s.NON_UNIQUE = 0"
                + " ORDER BY s.INDEX_NAME, s.SEQ_IN_INDEX")) {
      ps.setString(1, t.schema());
      ps.setString(2, t.name());
      try (ResultSet rs = ps.executeQuery()) {
        boolean expressions = false;
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          expressions |= rs.getMetaData().getColumnLabel(i).equalsIgnoreCase("EXPRESSION");
        }
        while (rs.next()) {
          String name = rs.getString("INDEX_NAME");
          String column = rs.getString("COLUMN_NAME");
          String generated = rs.getString("DBRESTORE_GENERATED");
          UniqueFit.Part part;
          if (column == null) {
            part = UniqueFit.Part.expression(expressions ? rs.getString("EXPRESSION") : "?");
          } else if (generated != null && !generated.isEmpty()) {
            part = UniqueFit.Part.expression(column + " GENERATED AS (" + generated + ")");
          } else {
            int prefix = rs.getInt("SUB_PART");
            part = UniqueFit.Part.column(column, rs.wasNull() ? -1 : prefix);
          }
          keys.computeIfAbsent(
                  name,
                  k ->
                      new UniqueFit.Key(
                          name,
                          name.equals("PRIMARY") ? "primary key" : "unique index",
                          new ArrayList<>(),
                          null,
                          true))
              .parts()
              .add(part);
        }
      }
    }
    return new ArrayList<>(keys.values());
  }

  /** TRIM removes spaces only: the POSIX space class covers tabs and line breaks too. */
  @Override
  public String foldedText(Table.Column column) {
    String text = quote(column.name());
    if (column.kind() == Table.Kind.BINARY) {
      text = "CONVERT(" + text + " USING utf8mb4)";
    }
    return "LOWER(REGEXP_REPLACE(" + text + ", '^[[:space:]]+|[[:space:]]+$', ''))";
  }
}

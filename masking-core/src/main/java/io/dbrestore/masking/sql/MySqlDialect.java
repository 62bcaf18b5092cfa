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
 * triggers off for one session, so a table with an UPDATE trigger is refused unless the rules empty
 * it; foreign-key checks can be turned off per session.
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
                + "   AND k.check_clause LIKE CONCAT('%json_valid(`', c.column_name, '`)%'))"
                + " FROM information_schema.columns c JOIN information_schema.tables t"
                + " ON t.table_schema = c.table_schema AND t.table_name = c.table_name"
                + " WHERE c.table_schema = ? AND t.table_type = 'BASE TABLE'"
                + " ORDER BY c.table_name, c.ordinal_position")) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          // MySQL has a JSON type; MariaDB's JSON is LONGTEXT with a json_valid() check.
          boolean json = "json".equalsIgnoreCase(rs.getString(4)) || rs.getBoolean(5);
          columns
              .computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
              .add(new Table.Column(rs.getString(2), rs.getString(3), json));
        }
      }
    }
    return columns;
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

  @Override
  public String textType() {
    return "LONGTEXT";
  }
}

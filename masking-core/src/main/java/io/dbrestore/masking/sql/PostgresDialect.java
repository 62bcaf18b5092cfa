package io.dbrestore.masking.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** PostgreSQL (Aurora PostgreSQL 15/16). */
final class PostgresDialect implements SqlDialect {
  @Override
  public String name() {
    return "postgresql";
  }

  @Override
  public String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  @Override
  public List<String> schemas(Connection c) throws SQLException {
    return Jdbc.strings(
        c,
        "SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog',"
            + " 'information_schema', 'pg_toast') AND nspname NOT LIKE 'pg_temp_%'"
            + " AND nspname NOT LIKE 'pg_toast_temp_%' ORDER BY nspname");
  }

  @Override
  public Map<String, List<Table.Column>> columns(Connection c, String schema) throws SQLException {
    Map<String, List<Table.Column>> columns = new LinkedHashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), t.typname"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT"
                + " a.attisdropped JOIN pg_type t ON t.oid = a.atttypid"
                + " WHERE n.nspname = ? AND c.relkind IN ('r', 'p') ORDER BY c.relname,"
                + " a.attnum")) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String type = rs.getString(4);
          columns
              .computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
              .add(
                  new Table.Column(
                      rs.getString(2),
                      rs.getString(3),
                      type.equals("json") || type.equals("jsonb")));
        }
      }
    }
    return columns;
  }

  @Override
  public List<String> primaryKey(Connection c, String schema, String table) throws SQLException {
    return Jdbc.strings(
        c,
        "SELECT a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true"
            + " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum"
            + " WHERE i.indisprimary AND n.nspname = ? AND c.relname = ? ORDER BY k.ord",
        schema,
        table);
  }

  @Override
  public List<String> updateTriggers(Connection c, String schema, String table)
      throws SQLException {
    // tgtype bit 0: row-level; bit 4: UPDATE. Internal (constraint) triggers are not ours.
    return Jdbc.strings(
        c,
        "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND (t.tgtype & 1) = 1"
            + " AND (t.tgtype & 16) = 16 AND n.nspname = ? AND c.relname = ?"
            + " ORDER BY t.tgname",
        schema,
        table);
  }

  @Override
  public List<ForeignKey> foreignKeys(Connection c, String schema) throws SQLException {
    List<ForeignKey> keys = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT con.conname, cn.nspname, cl.relname, pn.nspname, pl.relname,"
                + " ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, o)"
                + "   JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n"
                + "   ORDER BY k.o),"
                + " ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(n, o)"
                + "   JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n"
                + "   ORDER BY k.o)"
                + " FROM pg_constraint con JOIN pg_class cl ON cl.oid = con.conrelid"
                + " JOIN pg_namespace cn ON cn.oid = cl.relnamespace"
                + " JOIN pg_class pl ON pl.oid = con.confrelid"
                + " JOIN pg_namespace pn ON pn.oid = pl.relnamespace"
                + " WHERE con.contype = 'f' AND cn.nspname = ? ORDER BY con.conname")) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          keys.add(
              new ForeignKey(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  List.of((String[]) rs.getArray(6).getArray()),
                  rs.getString(4),
                  rs.getString(5),
                  List.of((String[]) rs.getArray(7).getArray())));
        }
      }
    }
    return keys;
  }

  @Override
  public List<String> views(Connection c, String schema) throws SQLException {
    return Jdbc.strings(
        c,
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE n.nspname = ? AND c.relkind IN ('v', 'm') ORDER BY c.relname",
        schema);
  }

  /**
   * {@code session_replication_role = replica} turns off, for this session only, ordinary triggers
   * and the triggers that check foreign keys. It needs superuser, or rds_superuser on Aurora and
   * RDS.
   */
  @Override
  public boolean relaxSession(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SET session_replication_role = replica");
      return true;
    } catch (SQLException e) {
      if ("42501".equals(e.getSQLState())) {
        if (!c.getAutoCommit()) {
          c.rollback();
        }
        return false;
      }
      throw e;
    }
  }

  @Override
  public boolean triggersFire(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW session_replication_role")) {
      return !(rs.next() && "replica".equals(rs.getString(1)));
    }
  }

  @Override
  public String parameter(Table.Column column) {
    if (column.json()) {
      return "CAST(? AS " + (column.type().startsWith("jsonb") ? "jsonb" : "json") + ")";
    }
    return "?";
  }

  @Override
  public String textType() {
    return "text";
  }
}

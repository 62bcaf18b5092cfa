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
import java.util.TreeMap;

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
            "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), t.typname,"
                // Domains are judged by their base type, their NOT NULL and their checks.
                + " b.typname, b.typcategory, b.typtype,"
                + " CASE WHEN b.typname IN ('varchar', 'bpchar')"
                + "   AND COALESCE(NULLIF(a.atttypmod, -1), t.typtypmod) > 4"
                + "   THEN COALESCE(NULLIF(a.atttypmod, -1), t.typtypmod) - 4 ELSE -1 END,"
                + " a.attnotnull OR t.typnotnull,"
                // Stored generated columns, and identity columns GENERATED ALWAYS (which UPDATE
                // may only set to DEFAULT).
                + " a.attgenerated <> '' OR a.attidentity = 'a',"
                + " ARRAY(SELECT k.conname::text FROM pg_constraint k WHERE k.contype = 'c'"
                + "   AND ((k.conrelid = c.oid AND a.attnum = ANY (k.conkey))"
                + "   OR k.contypid = t.oid) ORDER BY k.conname)"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT"
                + " a.attisdropped JOIN pg_type t ON t.oid = a.atttypid"
                // An array is judged by its elements' type (a rule reaches them with []).
                + " JOIN pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype"
                + "   WHEN t.typcategory = 'A' AND t.typelem <> 0 THEN t.typelem ELSE t.oid END"
                // A partition is its hierarchy's: listed through its top-level table only.
                + " WHERE n.nspname = ? AND c.relkind IN ('r', 'p') AND NOT c.relispartition"
                + " ORDER BY c.relname,"
                + " a.attnum")) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String type = rs.getString(4);
          boolean json = type.equals("json") || type.equals("jsonb");
          String[] checks = (String[]) rs.getArray(11).getArray();
          columns
              .computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
              .add(
                  new Table.Column(
                      rs.getString(2),
                      rs.getString(3),
                      json,
                      kind(rs.getString(5), rs.getString(6), rs.getString(7)),
                      rs.getInt(8),
                      !rs.getBoolean(9),
                      rs.getBoolean(10),
                      List.of(checks)));
        }
      }
    }
    return columns;
  }

  /** What a column of a (base) type holds, from its name, category and kind. */
  static Table.Kind kind(String name, String category, String typtype) {
    if (name.equals("json") || name.equals("jsonb")) {
      return Table.Kind.JSON;
    }
    if ("e".equals(typtype)) {
      return Table.Kind.OTHER; // enum: a fixed set of labels
    }
    return switch (name) {
      case "int2", "int4", "int8" -> Table.Kind.INTEGER;
      case "numeric", "float4", "float8", "money" -> Table.Kind.DECIMAL;
      case "bool" -> Table.Kind.BOOLEAN;
      case "date", "timestamp", "timestamptz" -> Table.Kind.TEMPORAL;
      case "bytea" -> Table.Kind.BINARY;
      default -> "S".equals(category) ? Table.Kind.TEXT : Table.Kind.OTHER;
    };
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
    return updateTriggers(c, schema, table, "<> 'D'");
  }

  /** {@code tgenabled}: 'A' fires always, 'R' only in replica sessions: both in ours. */
  @Override
  public List<String> updateTriggersFiringWhenRelaxed(Connection c, String schema, String table)
      throws SQLException {
    return updateTriggers(c, schema, table, "IN ('A', 'R')");
  }

  /** Row-level UPDATE triggers of a table whose {@code tgenabled} meets a condition. */
  private static List<String> updateTriggers(
      Connection c, String schema, String table, String enabled) throws SQLException {
    // tgtype bit 0: row-level; bit 4: UPDATE. Internal (constraint) triggers are not ours.
    return Jdbc.strings(
        c,
        "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE NOT t.tgisinternal AND t.tgenabled "
            + enabled
            + " AND (t.tgtype & 1) = 1"
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
                // A partition's copy of its parent's constraint (conparentid) is the parent's.
                + " WHERE con.contype = 'f' AND con.conparentid = 0 AND cn.nspname = ?"
                + " ORDER BY con.conname")) {
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
    return relations(c, schema, "'v', 'm'");
  }

  /** Names of a schema's relations of some kinds ({@code pg_class.relkind}, quoted). */
  private static List<String> relations(Connection c, String schema, String kinds)
      throws SQLException {
    return Jdbc.strings(
        c,
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE n.nspname = ? AND c.relkind IN ("
            + kinds
            + ") ORDER BY c.relname",
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
  public boolean partitioned(Connection c, String schema, String table) throws SQLException {
    return !Jdbc.strings(
            c,
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = ? AND c.relname = ? AND c.relkind = 'p'",
            schema,
            table)
        .isEmpty();
  }

  /**
   * {@code ONLY}: a query on a table others inherit from ({@code INHERITS}) reaches their rows too,
   * which are theirs to mask (each is declared on its own). A partitioned table holds no rows of
   * its own: its partitions' rows are its rows, each reached once through it.
   */
  @Override
  public String relation(Table t) {
    return t.partitioned() ? qualified(t) : "ONLY " + qualified(t);
  }

  @Override
  public List<Partition> partitions(Connection c, String schema) throws SQLException {
    List<Partition> partitions = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT c.relname, rn.nspname, r.relname, c.relkind = 'f'"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " JOIN pg_class r ON r.oid = pg_partition_root(c.oid)"
                + " JOIN pg_namespace rn ON rn.oid = r.relnamespace"
                + " WHERE c.relispartition AND n.nspname = ? ORDER BY c.relname")) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          partitions.add(
              new Partition(
                  schema, rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4)));
        }
      }
    }
    return partitions;
  }

  /**
   * The relations a write to a table reaches, as a condition on an oid column: the table itself
   * and, when partitioned, every partition at any depth.
   */
  private String reached(Table t, String oidColumn) {
    String self = "'" + qualified(t).replace("'", "''") + "'::regclass";
    return "("
        + oidColumn
        + " = "
        + self
        + (t.partitioned()
            ? " OR " + oidColumn + " IN (SELECT relid FROM pg_partition_tree(" + self + "))"
            : "")
        + ")";
  }

  /**
   * {@code tgenabled}, {@code ev_enabled}, {@code evtenabled}: 'O' fires in ordinary (origin)
   * sessions, 'R' only in replica ones, 'A' always, 'D' never. The relaxed masking session is a
   * replica one.
   */
  private static String firingIn(boolean relaxed) {
    return relaxed ? "IN ('A', 'R')" : "IN ('O', 'A')";
  }

  private static String why(boolean relaxed) {
    return relaxed
        ? "enabled ALWAYS or REPLICA, which fire even in the masking session"
            + " (session_replication_role = replica holds back only those enabled ORIGIN)"
        : "that fire in the masking session (it cannot be relaxed: session_replication_role ="
            + " replica needs a superuser, or rds_superuser on Aurora)";
  }

  @Override
  public List<String> firingOnWrites(
      Connection c, Table t, List<String> events, String doing, boolean relaxed)
      throws SQLException {
    // tgtype bits: 1 row-level, 4 INSERT, 8 DELETE, 16 UPDATE. Internal (constraint) triggers
    // are foreign-key checks, which the relaxed session turns off.
    int mask = 0;
    List<String> ruleTypes = new ArrayList<>();
    for (String e : events) {
      switch (e) {
        case "INSERT" -> {
          mask |= 4;
          ruleTypes.add("'3'");
        }
        case "DELETE" -> {
          mask |= 8;
          ruleTypes.add("'4'");
        }
        case "UPDATE" -> {
          mask |= 16;
          ruleTypes.add("'2'");
        }
        default -> throw new IllegalArgumentException(e);
      }
    }
    Map<String, List<String>> triggers = new TreeMap<>();
    Map<String, List<String>> fixes = new TreeMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT n.nspname, cl.relname, t.tgname, t.tgtype FROM pg_trigger t"
                    + " JOIN pg_class cl ON cl.oid = t.tgrelid"
                    + " JOIN pg_namespace n ON n.oid = cl.relnamespace"
                    + " WHERE NOT t.tgisinternal AND t.tgenabled "
                    + firingIn(relaxed)
                    + " AND (t.tgtype & "
                    + mask
                    + ") <> 0 AND "
                    + reached(t, "t.tgrelid")
                    + " ORDER BY cl.relname, t.tgname")) {
      while (rs.next()) {
        String rel = rs.getString(1) + "." + rs.getString(2);
        int type = rs.getInt(4);
        List<String> on = new ArrayList<>();
        for (String e : events) {
          int bit = e.equals("INSERT") ? 4 : e.equals("DELETE") ? 8 : 16;
          if ((type & bit) != 0) {
            on.add(e);
          }
        }
        triggers
            .computeIfAbsent(rel, k -> new ArrayList<>())
            .add(
                rs.getString(3)
                    + " ("
                    + String.join("/", on)
                    + ((type & 1) == 1 ? ", FOR EACH ROW" : ", FOR EACH STATEMENT")
                    + ")");
        fixes
            .computeIfAbsent(rel, k -> new ArrayList<>())
            .add(
                "ALTER TABLE "
                    + quote(rs.getString(1))
                    + "."
                    + quote(rs.getString(2))
                    + " DISABLE TRIGGER "
                    + quote(rs.getString(3)));
      }
    }
    List<String> refusals = new ArrayList<>();
    triggers.forEach(
        (rel, names) ->
            refusals.add(
                rel
                    + " has triggers "
                    + names
                    + " "
                    + why(relaxed)
                    + ", on "
                    + doing
                    + " "
                    + t.qualifiedName()
                    + ": disable them on the copy ("
                    + String.join("; ", fixes.get(rel))
                    + ")"));
    // Rewrite rules are not triggers, but follow the same switch (ev_enabled).
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT n.nspname, cl.relname, r.rulename, CASE r.ev_type WHEN '2' THEN 'UPDATE'"
                    + " WHEN '3' THEN 'INSERT' ELSE 'DELETE' END FROM pg_rewrite r"
                    + " JOIN pg_class cl ON cl.oid = r.ev_class"
                    + " JOIN pg_namespace n ON n.oid = cl.relnamespace"
                    + " WHERE r.rulename <> '_RETURN' AND r.ev_enabled "
                    + firingIn(relaxed)
                    + " AND r.ev_type IN ("
                    + String.join(", ", ruleTypes)
                    + ") AND "
                    + reached(t, "r.ev_class")
                    + " ORDER BY cl.relname, r.rulename")) {
      while (rs.next()) {
        String rel = quote(rs.getString(1)) + "." + quote(rs.getString(2));
        refusals.add(
            rs.getString(1)
                + "."
                + rs.getString(2)
                + " has rewrite rule "
                + rs.getString(3)
                + " (ON "
                + rs.getString(4)
                + ") "
                + (relaxed
                    ? "enabled ALWAYS or REPLICA, which applies even in the masking session"
                    : "that applies in the masking session")
                + ", on "
                + doing
                + " "
                + t.qualifiedName()
                + ": drop it on the copy (DROP RULE "
                + quote(rs.getString(3))
                + " ON "
                + rel
                + ")");
      }
    }
    return refusals;
  }

  /**
   * Event triggers fire on DDL, whatever table it names: the run creates its record table, and
   * finishing rewrites tables ({@code ALTER TABLE}, {@code VACUUM FULL}). Any event trigger that
   * fires in the masking session is refused, whatever its event.
   */
  @Override
  public List<String> firingOnDdl(Connection c, boolean relaxed) throws SQLException {
    List<String> refusals = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT evtname, evtevent FROM pg_event_trigger WHERE evtenabled "
                    + firingIn(relaxed)
                    + " ORDER BY evtname")) {
      while (rs.next()) {
        refusals.add(
            "event trigger "
                + rs.getString(1)
                + " (ON "
                + rs.getString(2)
                + ") "
                + (relaxed
                    ? "is enabled ALWAYS or REPLICA, so it fires even in the masking session"
                    : "fires in the masking session")
                + ", which creates its record table and rewrites the tables it wrote"
                + " (ALTER TABLE): disable it on the copy (ALTER EVENT TRIGGER "
                + quote(rs.getString(1))
                + " DISABLE)");
      }
    }
    return refusals;
  }

  @Override
  public String parameter(Table.Column column) {
    if (column.json()) {
      return "CAST(? AS " + (column.type().startsWith("jsonb") ? "jsonb" : "json") + ")";
    }
    if (column.array()) {
      return "CAST(? AS " + column.type() + ")";
    }
    return "?";
  }

  @Override
  public List<String> materializedViews(Connection c, String schema) throws SQLException {
    return relations(c, schema, "'m'");
  }

  /**
   * Recomputed from the masked tables and analyzed first, so that its statistics (which {@code WITH
   * NO DATA} leaves as they were, and ANALYZE of an empty view does not replace) hold masked values
   * only; then emptied. Each REFRESH writes a new file: the old one is unlinked at the checkpoint.
   */
  @Override
  public void emptyMaterializedView(Connection c, String schema, String name) throws SQLException {
    String mv = quote(schema) + "." + quote(name);
    try (Statement s = c.createStatement()) {
      s.execute("REFRESH MATERIALIZED VIEW " + mv);
      s.execute("ANALYZE " + mv);
      s.execute("REFRESH MATERIALIZED VIEW " + mv + " WITH NO DATA");
    }
  }

  @Override
  public boolean populated(Connection c, String schema, String name) throws SQLException {
    return !Jdbc.strings(
            c,
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = ? AND c.relname = ? AND c.relispopulated",
            schema,
            name)
        .isEmpty();
  }

  /**
   * The connection sees one database; a snapshot holds the whole cluster. Other databases (beyond
   * postgres, the templates and Aurora's rdsadmin) are refused, and so are large objects: they live
   * in {@code pg_largeobject}, outside any table the rules can name.
   */
  @Override
  public List<String> clusterRefusals(Connection c) throws SQLException {
    List<String> refusals = new ArrayList<>();
    List<String> others =
        Jdbc.strings(
            c,
            "SELECT datname FROM pg_database WHERE datname NOT IN ('postgres', 'template0',"
                + " 'template1', 'rdsadmin') AND datname <> current_database() ORDER BY 1");
    if (!others.isEmpty()) {
      refusals.add(
          "the cluster holds databases the run does not mask "
              + others
              + " (a snapshot carries every database of the cluster; drop them on the copy, or"
              + " mask each one first)");
    }
    if (!Jdbc.strings(c, "SELECT 'x' FROM pg_largeobject_metadata LIMIT 1").isEmpty()) {
      refusals.add(
          "the database holds large objects (pg_largeobject), which no rule can mask: remove them"
              + " on the copy (SELECT lo_unlink(oid) FROM pg_largeobject_metadata)");
    }
    return refusals;
  }

  /**
   * Rewriting a table ({@code VACUUM FULL}, {@code ALTER TABLE}) or refreshing a materialized view
   * needs the privileges of its owner, and rewriting {@code pg_statistic} those of the database's
   * owner (or a superuser; Aurora's {@code rds_superuser} is not one). Without them PostgreSQL only
   * warns and skips the table, leaving the original values in its pages, so the run is refused
   * before any write instead. The grants are made once in production: roles and ownership come with
   * every snapshot.
   */
  @Override
  public List<String> finishingRefusals(Connection c, List<String[]> relations)
      throws SQLException {
    if (!Jdbc.strings(c, "SELECT 'x' FROM pg_roles WHERE rolname = current_user AND rolsuper")
        .isEmpty()) {
      return List.of();
    }
    List<String> refusals = new ArrayList<>();
    String user = Jdbc.strings(c, "SELECT current_user::text").get(0);
    List<String> database =
        Jdbc.strings(
            c,
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"
                + " AND NOT pg_has_role(current_user, datdba, 'USAGE')");
    if (!database.isEmpty()) {
      refusals.add(
          "the masking user "
              + user
              + " cannot rewrite pg_statistic (the statistics of the masked columns keep original"
              + " values in its pages until it is rewritten), which needs the privileges of the"
              + " database's owner "
              + database.get(0)
              + ": GRANT "
              + quote(database.get(0))
              + " TO "
              + quote(user)
              + " in production, or mask as a superuser");
    }
    Map<String, List<String>> byOwner = new TreeMap<>();
    for (String[] r : relations) {
      // A partitioned table is rewritten partition by partition: each needs its owner's rights.
      String self = quote(r[0]) + "." + quote(r[1]);
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT pg_get_userbyid(cl.relowner), n.nspname || '.' || cl.relname"
                  + " FROM pg_class cl JOIN pg_namespace n ON n.oid = cl.relnamespace"
                  + " WHERE (cl.oid = to_regclass(?) OR cl.oid IN (SELECT relid FROM"
                  + " pg_partition_tree(to_regclass(?)))) AND cl.relkind IN ('r', 'p', 'm')"
                  + " AND NOT pg_has_role(current_user, cl.relowner, 'USAGE') ORDER BY 2")) {
        ps.setString(1, self);
        ps.setString(2, self);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            byOwner.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
          }
        }
      }
    }
    byOwner.forEach(
        (owner, names) ->
            refusals.add(
                "the masking user "
                    + user
                    + " cannot rewrite "
                    + names
                    + " (their dead row versions and statistics keep the original values until"
                    + " they are rewritten), which needs the privileges of their owner "
                    + owner
                    + ": GRANT "
                    + quote(owner)
                    + " TO "
                    + quote(user)
                    + " in production, or mask as a superuser"));
    return refusals;
  }

  /** A {@code VACUUM} that skipped a relation warns instead of failing: that is a failure here. */
  private static void requireNotSkipped(Statement s, String what) throws SQLException {
    for (java.sql.SQLWarning w = s.getWarnings(); w != null; w = w.getNextWarning()) {
      if (w.getMessage() != null && w.getMessage().contains("skipping")) {
        throw new SQLException(what + " was not rewritten: " + w.getMessage());
      }
    }
  }

  /**
   * {@code VACUUM FULL} writes the table, its TOAST table and its indexes anew from the live rows
   * (the old files are unlinked at the next checkpoint), and {@code ANALYZE} replaces
   * pg_statistic's rows for it with values sampled from the masked rows.
   */
  @Override
  public void finishTable(Connection c, Table t) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("VACUUM (FULL, ANALYZE) " + qualified(t));
      requireNotSkipped(s, t.qualifiedName());
      if (Jdbc.strings(c, "SELECT 'x' FROM " + relation(t) + " LIMIT 1").isEmpty()) {
        // ANALYZE of an empty table keeps the statistics it had; changing a column's type (here
        // to the same type) removes them: of a partitioned table, of every partition too (whose
        // statistics autovacuum may have gathered where the parent has none).
        try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a"
                    + " WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped"
                    + " AND EXISTS (SELECT 1 FROM pg_stats s"
                    + " JOIN pg_namespace n ON n.nspname = s.schemaname"
                    + " JOIN pg_class cl ON cl.relnamespace = n.oid AND cl.relname = s.tablename"
                    + " WHERE s.attname = a.attname AND "
                    + reached(t, "cl.oid")
                    + ") ORDER BY a.attnum")) {
          ps.setString(1, qualified(t));
          List<String> alters = new ArrayList<>();
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              alters.add(
                  "ALTER TABLE "
                      + qualified(t)
                      + " ALTER COLUMN "
                      + quote(rs.getString(1))
                      + " TYPE "
                      + rs.getString(2));
            }
          }
          for (String alter : alters) {
            s.execute(alter);
          }
        }
      }
    }
  }

  /**
   * Query texts of pg_stat_statements are reset; pg_statistic, whose rows ANALYZE just replaced, is
   * rewritten so that the replaced rows (original values) leave its pages too, where the user may.
   */
  @Override
  public void finishServer(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      if (!Jdbc.strings(c, "SELECT extname FROM pg_extension WHERE extname = 'pg_stat_statements'")
          .isEmpty()) {
        s.execute("SELECT pg_stat_statements_reset()");
      }
      s.execute("VACUUM FULL pg_catalog.pg_statistic");
      // finishingRefusals checked the privileges before any write; a skip now fails the run.
      requireNotSkipped(s, "pg_statistic");
    }
  }

  /**
   * A partitioned table's statistics: its own (over all its rows) and every partition's. A table
   * others inherit from: its own rows' only (its inherited statistics hold its children's values,
   * which are theirs).
   */
  @Override
  public List<String> statisticsValues(Connection c, Table t, String column) throws SQLException {
    return Jdbc.strings(
        c,
        "SELECT v FROM pg_stats s JOIN pg_namespace n ON n.nspname = s.schemaname"
            + " JOIN pg_class cl ON cl.relnamespace = n.oid AND cl.relname = s.tablename,"
            + " LATERAL unnest(coalesce(s.most_common_vals::text::text[],"
            + " '{}'::text[]) || coalesce(s.histogram_bounds::text::text[], '{}'::text[])) v"
            + " WHERE "
            + reached(t, "cl.oid")
            + (t.partitioned() ? "" : " AND NOT s.inherited")
            + " AND s.attname = ?",
        column);
  }

  @Override
  public String textType() {
    return "text";
  }

  @Override
  public List<UniqueFit.Key> uniqueKeys(Connection c, Table t) throws SQLException {
    boolean nullsNotDistinct = c.getMetaData().getDatabaseMajorVersion() >= 15;
    Map<String, UniqueFit.Key> keys = new LinkedHashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT ic.relname, con.contype, i.indisexclusion,"
                + (nullsNotDistinct ? " i.indnullsnotdistinct," : " false,")
                + " pg_get_expr(i.indpred, i.indrelid), a.attname, a.attgenerated,"
                + " pg_get_expr(d.adbin, d.adrelid), pg_get_indexdef(i.indexrelid, k.ord::int,"
                + " true)"
                + " FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid"
                + " JOIN pg_class t ON t.oid = i.indrelid"
                + " JOIN pg_namespace n ON n.oid = t.relnamespace"
                + " LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid"
                + "   AND con.conrelid = t.oid AND con.contype IN ('p', 'u', 'x')"
                + " JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)"
                + "   ON k.ord <= i.indnkeyatts"
                + " LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum"
                + "   AND k.attnum > 0"
                + " LEFT JOIN pg_attrdef d ON d.adrelid = t.oid AND d.adnum = a.attnum"
                + "   AND a.attgenerated <> ''"
                + " WHERE n.nspname = ? AND t.relname = ? AND (i.indisunique OR i.indisexclusion)"
                + " ORDER BY ic.relname, k.ord")) {
      ps.setString(1, t.schema());
      ps.setString(2, t.name());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String name = rs.getString(1);
          String contype = rs.getString(2);
          String kind =
              rs.getBoolean(3) || "x".equals(contype)
                  ? "exclusion constraint"
                  : "p".equals(contype)
                      ? "primary key"
                      : "u".equals(contype) ? "unique constraint" : "unique index";
          UniqueFit.Part part;
          if (rs.getString(6) == null) {
            part = UniqueFit.Part.expression(rs.getString(9));
          } else if (rs.getString(8) != null) {
            part =
                UniqueFit.Part.expression(
                    rs.getString(6) + " GENERATED AS (" + rs.getString(8) + ")");
          } else {
            part = UniqueFit.Part.column(rs.getString(6), -1);
          }
          UniqueFit.Key key =
              keys.computeIfAbsent(
                  name,
                  k -> {
                    try {
                      return new UniqueFit.Key(
                          name, kind, new ArrayList<>(), rs.getString(5), !rs.getBoolean(4));
                    } catch (SQLException e) {
                      throw new IllegalStateException(e);
                    }
                  });
          key.parts().add(part);
        }
      }
    }
    return new ArrayList<>(keys.values());
  }

  /** Java's String.strip() removes exactly these (Character.isWhitespace), then lower(). */
  @Override
  public String foldedText(Table.Column column) {
    StringBuilder chars = new StringBuilder();
    for (int cp = 1; cp <= 0x3000; cp++) {
      if (Character.isWhitespace(cp)) {
        chars.append(chars.length() == 0 ? "" : " || ").append("chr(").append(cp).append(')');
      }
    }
    return "lower(btrim(" + quote(column.name()) + "::text, " + chars + "))";
  }
}
